#include "clients/import/import_options.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "engine/store/event_id.h"

namespace crm::clients {

std::string StableId(absl::string_view prefix, const std::vector<std::string>& parts) {
  const std::string uuid =
      engine::EventId::NameBased("crm.import", absl::StrJoin(parts, "\n")).ToString();
  return absl::StrCat(prefix, "-", absl::StrReplaceAll(uuid, {{"-", ""}}).substr(0, 20));
}

v1::CommandContext ImportContext(const ImportOptions& options, const std::string& request_id) {
  v1::CommandContext ctx;
  ctx.set_request_id(request_id);
  ctx.set_actor(options.actor);
  ctx.set_correlation_id(StableId("imp", {options.file_digest}));
  ctx.set_now_us(options.now_us);
  return ctx;
}

absl::Status Interrupted(const absl::Status& cause, absl::string_view what) {
  return absl::Status(cause.code(),
                      absl::StrCat(what, ": ", cause.message(),
                                   " — the import stopped part-way; run the same command again to "
                                   "finish it (what was written is not written twice)"));
}

}  // namespace crm::clients
