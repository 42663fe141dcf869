#include "projections/view_access.h"

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "projections/view_keys.h"
#include "rocksdb/db.h"

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
  if (auto it = rows_->find(key); it != rows_->end()) return it->second;
  const std::string full = Full(key);
  if (cache_ != nullptr) {
    // Read as of the latest sequence number: on the runner thread (the only
    // writer) that is the cache's watermark, so a cached row is the stored
    // one; should another write have come meanwhile, the cache's check sends
    // this to the database as for any reader.
    std::optional<std::string> cached;
    if (cache_->Get(full, db_->GetLatestSequenceNumber(), &cached)) return cached;
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_, S(full), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading a view row");
  return value;
}

void ViewWriter::Put(absl::string_view key, absl::string_view value) {
  rows_->insert_or_assign(key, std::string(value));
}

void ViewWriter::Delete(absl::string_view key) { rows_->insert_or_assign(key, std::nullopt); }

absl::Status ViewWriter::Scan(absl::string_view prefix, RowVisitor visit) const {
  // The batch's writes under the prefix, in key order, merged with the
  // database's rows (a batch's write wins over the stored row).
  std::vector<std::pair<absl::string_view, const std::optional<std::string>*>> written;
  for (const auto& [key, value] : *rows_) {
    if (absl::StartsWith(key, prefix)) written.emplace_back(key, &value);
  }
  std::sort(written.begin(), written.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::string full = Full(prefix);
  const std::string end = view_keys::PrefixEnd(full);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, cf_));
  it->Seek(S(full));
  size_t w = 0;
  while (true) {
    const bool stored = it->Valid() && absl::StartsWith(V(it->key()), full);
    if (!stored && w == written.size()) break;
    const absl::string_view stored_key =
        stored ? V(it->key()).substr(prefix_.size()) : absl::string_view();
    if (w < written.size() && (!stored || written[w].first <= stored_key)) {
      const bool replaces = stored && written[w].first == stored_key;
      const std::optional<std::string>& value = *written[w].second;
      if (value.has_value() && !visit(written[w].first, *value)) return absl::OkStatus();
      ++w;
      if (replaces) it->Next();
      continue;
    }
    if (!visit(stored_key, V(it->value()))) return absl::OkStatus();
    it->Next();
  }
  return FromRocks(it->status(), "scanning a view");
}

ViewReader::ViewReader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string prefix,
                       uint64_t checkpoint, const ViewRowCache* cache)
    : db_(db),
      cf_(cf),
      prefix_(std::move(prefix)),
      checkpoint_(checkpoint),
      snapshot_(db->GetSnapshot()),
      snapshot_seq_(snapshot_->GetSequenceNumber()),
      cache_(cache) {}

ViewReader::~ViewReader() { db_->ReleaseSnapshot(snapshot_); }

std::string ViewReader::Full(absl::string_view key) const { return absl::StrCat(prefix_, key); }

absl::StatusOr<std::optional<std::string>> ViewReader::Get(absl::string_view key) const {
  const std::string full = Full(key);
  // The cache answers only where its row is exactly the snapshot's
  // (view_row_cache.h says why that check is exact).
  if (std::optional<std::string> cached;
      cache_ != nullptr && cache_->Get(full, snapshot_seq_, &cached)) {
    return cached;
  }
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s = db_->Get(ro, cf_, S(full), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading a view row");
  return value;
}

absl::StatusOr<std::vector<std::optional<std::string>>> ViewReader::MultiGet(
    absl::Span<const std::string> keys) const {
  std::vector<std::optional<std::string>> out(keys.size());
  if (keys.empty()) return out;
  // Rows the cache has exactly as the snapshot sees them are answered from
  // it; only the others (`missing`, indexes into `keys`) go to RocksDB.
  std::vector<std::string> full;
  std::vector<size_t> missing;
  full.reserve(keys.size());
  missing.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string f = Full(keys[i]);
    if (cache_ != nullptr && cache_->Get(f, snapshot_seq_, &out[i])) continue;
    full.push_back(std::move(f));
    missing.push_back(i);
  }
  if (missing.empty()) return out;
  // Slices into `full`, which no longer grows.
  std::vector<rocksdb::Slice> slices(full.begin(), full.end());
  std::vector<rocksdb::PinnableSlice> values(missing.size());
  std::vector<rocksdb::Status> statuses(missing.size());
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  db_->MultiGet(ro, cf_, missing.size(), slices.data(), values.data(), statuses.data());
  for (size_t m = 0; m < missing.size(); ++m) {
    if (statuses[m].IsNotFound()) continue;
    if (!statuses[m].ok()) return FromRocks(statuses[m], "reading view rows");
    out[missing[m]].emplace(values[m].data(), values[m].size());
  }
  return out;
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
