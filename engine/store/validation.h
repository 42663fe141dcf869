// Input checks for appends and reads, so every malformed request fails with an
// InvalidArgument that names the offending field, before anything is queued.
#ifndef CRM_ENGINE_STORE_VALIDATION_H_
#define CRM_ENGINE_STORE_VALIDATION_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/store/store_options.h"
#include "engine/store/types.h"

namespace crm::engine {

// A stream name is non-empty, at most limits.max_stream_name_bytes, valid
// UTF-8 and free of control characters (which the keyspace relies on).
absl::Status ValidateStreamName(absl::string_view name, const StoreLimits& limits);

// Checks every field of an append request against `limits`: names, types,
// ids (non-nil, unique in the call), sizes, counts, streams listed once.
absl::Status ValidateAppend(const std::vector<StreamAppend>& request, const StoreLimits& limits);

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_VALIDATION_H_
