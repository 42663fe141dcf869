// Glue between RocksDB's types and Abseil's: statuses and string views.
// (Debian's Abseil has its own string_view class, not std::string_view.)
#ifndef CRM_ENGINE_STORE_ROCKS_GLUE_H_
#define CRM_ENGINE_STORE_ROCKS_GLUE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace crm::engine {

inline absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsIOError() && msg.find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(msg, " (is another process using this data folder?)"));
  }
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

inline absl::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
inline rocksdb::Slice ToSlice(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace crm::engine

#endif  // CRM_ENGINE_STORE_ROCKS_GLUE_H_
