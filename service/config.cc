#include "service/config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace crm::service {
namespace {

// Collects the text-format parser's first error, to put it in a Status.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (error_.empty()) error_ = absl::StrCat("line ", line + 1, ":", column + 1, ": ", message);
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

absl::StatusOr<CrmdConfig> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("config file ", path, ": cannot open"));
  std::stringstream text;
  text << in.rdbuf();
  CrmdConfig config;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text.str(), &config)) {
    return absl::InvalidArgumentError(
        absl::StrCat("config file ", path, ": ", errors.error(),
                     " (expected a text-format crm.service.CrmdConfig)"));
  }
  return config;
}

void ApplyDefaults(CrmdConfig& c) {
  if (c.listen_address().empty()) c.set_listen_address(kDefaultListenAddress);
  if (c.data_dir().empty()) c.set_data_dir(kDefaultDataDir);
  if (c.keys_file().empty()) c.set_keys_file(absl::StrCat(c.data_dir(), "/api_keys.textproto"));
  if (c.time_zone().empty()) c.set_time_zone("Asia/Shanghai");
  Limits* l = c.mutable_limits();
  if (l->max_message_bytes() == 0) l->set_max_message_bytes(4 << 20);
  if (l->max_concurrent_streams() == 0) l->set_max_concurrent_streams(256);
  if (l->max_subscriptions() == 0) l->set_max_subscriptions(256);
  if (l->command_threads() == 0) l->set_command_threads(16);
  if (l->shutdown_grace_seconds() == 0) l->set_shutdown_grace_seconds(10);
}

absl::Status ValidateConfig(const CrmdConfig& c) {
  const TlsConfig& tls = c.tls();
  if (tls.cert_file().empty() != tls.key_file().empty()) {
    return absl::InvalidArgumentError(
        "tls.cert_file and tls.key_file: give both (TLS) or neither (plaintext)");
  }
  if (!tls.client_ca_file().empty() && tls.cert_file().empty()) {
    return absl::InvalidArgumentError("tls.client_ca_file: mutual TLS needs tls.cert_file too");
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(c.time_zone(), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_zone: unknown zone \"", c.time_zone(), "\" (e.g. Asia/Shanghai)"));
  }
  const Limits& l = c.limits();
  if (l.max_message_bytes() < 0 || l.max_concurrent_streams() < 0 || l.max_subscriptions() < 0 ||
      l.command_threads() < 0 || l.shutdown_grace_seconds() < 0) {
    return absl::InvalidArgumentError("limits: values must not be negative");
  }
  const v1::PoolRules& pool = c.pool_rules();
  if (pool.recycle_after_days() < 0 || pool.daily_claim_limit() < 0 ||
      pool.max_owned_customers() < 0 || pool.reclaim_cooldown_days() < 0) {
    return absl::InvalidArgumentError("pool_rules: values must not be negative");
  }
  return absl::OkStatus();
}

}  // namespace crm::service
