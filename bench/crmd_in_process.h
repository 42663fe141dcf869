// StartCrmdInProcess: the code crmd runs (CrmServer) on 127.0.0.1:0 inside a
// benchmark process, with one admin key, for the benchmarks that measure
// crm-engine over gRPC.
#ifndef CRM_BENCH_CRMD_IN_PROCESS_H_
#define CRM_BENCH_CRMD_IN_PROCESS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "service/crmd_config.pb.h"
#include "service/server.h"

namespace crm::bench {

// Starts a server whose only key is `api_key` (role admin, scope all) on
// `config` with listen_address 127.0.0.1:0 and defaults applied; the
// caller sets data_dir and anything else it measures.
absl::StatusOr<std::unique_ptr<service::CrmServer>> StartCrmdInProcess(service::CrmdConfig config,
                                                                       const std::string& api_key);

}  // namespace crm::bench

#endif  // CRM_BENCH_CRMD_IN_PROCESS_H_
