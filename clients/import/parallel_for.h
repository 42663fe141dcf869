// ParallelFor: runs independent pieces of an import on a few threads, so a
// large sheet imported through crmd is not one round trip (and one fsync)
// after another.
#ifndef CRM_CLIENTS_IMPORT_PARALLEL_FOR_H_
#define CRM_CLIENTS_IMPORT_PARALLEL_FOR_H_

#include <cstddef>
#include <functional>

#include "absl/status/status.h"

namespace crm::clients {

// Calls fn(i) for every i in [0, n) on up to `threads` threads (1: in this
// thread, in order). After the first failure no new i is started; returns the
// failure with the smallest i among those that failed, or OK. `fn` must be
// safe to call concurrently for different i.
absl::Status ParallelFor(size_t n, int threads, const std::function<absl::Status(size_t)>& fn);

}  // namespace crm::clients

#endif  // CRM_CLIENTS_IMPORT_PARALLEL_FOR_H_
