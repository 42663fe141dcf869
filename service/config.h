// crmd's configuration: a text-format CrmdConfig file (crmd_config.proto)
// with defaults filled in and checked.
#ifndef CRM_SERVICE_CONFIG_H_
#define CRM_SERVICE_CONFIG_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "service/crmd_config.pb.h"

namespace crm::service {

inline constexpr char kDefaultListenAddress[] = "127.0.0.1:50051";
inline constexpr char kDefaultDataDir[] = "crm-data";

// Parses a text-format CrmdConfig. NotFound if missing; InvalidArgument
// (with the parser's line and column) if malformed.
absl::StatusOr<CrmdConfig> LoadConfigFile(const std::string& path);

// Fills every unset field with its documented default.
void ApplyDefaults(CrmdConfig& config);

// InvalidArgument naming the field: a TLS key without a certificate (or the
// reverse), a client CA without TLS, an unknown time zone, negative limits.
absl::Status ValidateConfig(const CrmdConfig& config);

}  // namespace crm::service

#endif  // CRM_SERVICE_CONFIG_H_
