#include "projections/view_access.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "projections/view_keys.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace crm::projections {
namespace {

rocksdb::Slice S(absl::string_view s) { return {s.data(), s.size()}; }
absl::string_view V(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsCorruption()) return absl::DataLossError(absl::StrCat(what, ": ", s.ToString()));
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

absl::Status ScanIterator(rocksdb::Iterator* it, absl::string_view full_prefix, size_t strip,
                          absl::string_view seek_to, RowVisitor visit) {
  for (it->Seek(S(seek_to)); it->Valid(); it->Next()) {
    absl::string_view key = V(it->key());
    if (!absl::StartsWith(key, full_prefix)) break;
    if (!visit(key.substr(strip), V(it->value()))) break;
  }
  return FromRocks(it->status(), "scanning a view");
}

}  // namespace

std::string ViewWriter::Full(absl::string_view key) const { return absl::StrCat(prefix_, key); }

absl::StatusOr<std::optional<std::string>> ViewWriter::Get(absl::string_view key) const {
  std::string value;
  rocksdb::Status s =
      batch_->GetFromBatchAndDB(db_, rocksdb::ReadOptions(), cf_, S(Full(key)), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading a view row");
  return value;
}

void ViewWriter::Put(absl::string_view key, absl::string_view value) {
  batch_->Put(cf_, S(Full(key)), S(value));
}

void ViewWriter::Delete(absl::string_view key) { batch_->Delete(cf_, S(Full(key))); }

absl::Status ViewWriter::Scan(absl::string_view prefix, RowVisitor visit) const {
  const std::string full = Full(prefix);
  const std::string end = view_keys::PrefixEnd(full);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      batch_->NewIteratorWithBase(cf_, db_->NewIterator(ro, cf_)));
  return ScanIterator(it.get(), full, prefix_.size(), full, visit);
}

ViewReader::ViewReader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string prefix,
                       uint64_t checkpoint)
    : db_(db),
      cf_(cf),
      prefix_(std::move(prefix)),
      checkpoint_(checkpoint),
      snapshot_(db->GetSnapshot()) {}

ViewReader::~ViewReader() { db_->ReleaseSnapshot(snapshot_); }

std::string ViewReader::Full(absl::string_view key) const { return absl::StrCat(prefix_, key); }

absl::StatusOr<std::optional<std::string>> ViewReader::Get(absl::string_view key) const {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s = db_->Get(ro, cf_, S(Full(key)), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading a view row");
  return value;
}

absl::Status ViewReader::Scan(absl::string_view prefix, RowVisitor visit,
                              absl::string_view start) const {
  const std::string full = Full(prefix);
  const std::string end = view_keys::PrefixEnd(full);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_));
  const std::string seek = start.empty() ? full : std::max(full, Full(start));
  return ScanIterator(it.get(), full, prefix_.size(), seek, visit);
}

}  // namespace crm::projections
