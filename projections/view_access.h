// ViewWriter and ViewReader: how a projection touches its own rows.
//
// Keys are the projection's own; both classes add the generation's prefix
// (view_keys.h), so a projection never sees which generation it writes to.
#ifndef CRM_PROJECTIONS_VIEW_ACCESS_H_
#define CRM_PROJECTIONS_VIEW_ACCESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "projections/view_row_cache.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Snapshot;
}  // namespace rocksdb

namespace crm::projections {

// Called for each row in key order; return false to stop.
using RowVisitor = absl::FunctionRef<bool(absl::string_view key, absl::string_view value)>;

// The rows one projection wrote in the runner's current batch, not yet in
// the database: the last write of each key (nullopt: deleted), keys without
// the generation's prefix. A hash map rather than RocksDB's
// WriteBatchWithIndex: applying events is point reads and writes of rows,
// which a hash map does without an ordered index's key comparisons (they were
// the largest cost of applying a batch); the rare scan sorts what it needs.
using RowOverlay = absl::flat_hash_map<std::string, std::optional<std::string>>;

// Reads and writes rows inside the runner's current batch. Reads see the
// batch's earlier writes, so applying several events to one row in one batch
// is exact. Not thread-safe; valid only during Projection::Apply.
class ViewWriter {
 public:
  // `cache` (nullable, not owned): rows the runner wrote in earlier batches,
  // read before the database.
  ViewWriter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, RowOverlay* rows, std::string prefix,
             const ViewRowCache* cache = nullptr)
      : db_(db), cf_(cf), rows_(rows), prefix_(std::move(prefix)), cache_(cache) {}

  // The row's value, or nullopt if there is none.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) const;
  void Put(absl::string_view key, absl::string_view value);
  void Delete(absl::string_view key);
  // Visits the rows whose keys start with `prefix`, in key order, with the
  // batch's writes applied. `visit` must not write (collect, then write).
  absl::Status Scan(absl::string_view prefix, RowVisitor visit) const;

 private:
  std::string Full(absl::string_view key) const;
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  RowOverlay* rows_;
  std::string prefix_;
  const ViewRowCache* cache_;
};

// A consistent read-only view of one generation at one moment (a RocksDB
// snapshot), for queries. Thread-compatible: one reader per thread, or
// external locking. Must not outlive the runner that made it.
class ViewReader {
 public:
  // `cache` (nullable, not owned, must outlive the reader): recently written
  // rows, used where they are exactly what the reader's snapshot sees.
  ViewReader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string prefix,
             uint64_t checkpoint, const ViewRowCache* cache = nullptr);
  ~ViewReader();
  ViewReader(const ViewReader&) = delete;
  ViewReader& operator=(const ViewReader&) = delete;

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) const;
  // The rows of `keys` (any order, repeats allowed), in the same order:
  // what Get of each would return, from the same snapshot, in one RocksDB
  // MultiGet (cheaper than Gets one by one for a page of rows). Fails as a
  // whole if any read fails.
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      absl::Span<const std::string> keys) const;
  // Visits rows whose keys start with `prefix`, from `start` (a full key, or
  // empty for the first) onwards.
  absl::Status Scan(absl::string_view prefix, RowVisitor visit, absl::string_view start = {}) const;
  // Every event below this position is reflected in what this reader sees.
  uint64_t checkpoint() const { return checkpoint_; }

 private:
  std::string Full(absl::string_view key) const;
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  std::string prefix_;
  uint64_t checkpoint_;
  const rocksdb::Snapshot* snapshot_;
  uint64_t snapshot_seq_;
  const ViewRowCache* cache_;
};

}  // namespace crm::projections

#endif  // CRM_PROJECTIONS_VIEW_ACCESS_H_
