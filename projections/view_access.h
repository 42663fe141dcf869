// ViewWriter and ViewReader: how a projection touches its own rows.
//
// Keys are the projection's own; both classes add the generation's prefix
// (view_keys.h), so a projection never sees which generation it writes to.
#ifndef CRM_PROJECTIONS_VIEW_ACCESS_H_
#define CRM_PROJECTIONS_VIEW_ACCESS_H_

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class Snapshot;
class WriteBatchWithIndex;
}  // namespace rocksdb

namespace crm::projections {

// Called for each row in key order; return false to stop.
using RowVisitor = absl::FunctionRef<bool(absl::string_view key, absl::string_view value)>;

// Reads and writes rows inside the runner's current batch. Reads see the
// batch's earlier writes, so applying several events to one row in one batch
// is exact. Not thread-safe; valid only during Projection::Apply.
class ViewWriter {
 public:
  ViewWriter(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, rocksdb::WriteBatchWithIndex* batch,
             std::string prefix)
      : db_(db), cf_(cf), batch_(batch), prefix_(std::move(prefix)) {}

  // The row's value, or nullopt if there is none.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) const;
  void Put(absl::string_view key, absl::string_view value);
  void Delete(absl::string_view key);
  // Visits the rows whose keys start with `prefix`.
  absl::Status Scan(absl::string_view prefix, RowVisitor visit) const;

 private:
  std::string Full(absl::string_view key) const;
  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* cf_;
  rocksdb::WriteBatchWithIndex* batch_;
  std::string prefix_;
};

// A consistent read-only view of one generation at one moment (a RocksDB
// snapshot), for queries. Thread-compatible: one reader per thread, or
// external locking. Must not outlive the runner that made it.
class ViewReader {
 public:
  ViewReader(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string prefix,
             uint64_t checkpoint);
  ~ViewReader();
  ViewReader(const ViewReader&) = delete;
  ViewReader& operator=(const ViewReader&) = delete;

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) const;
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
};

}  // namespace crm::projections

#endif  // CRM_PROJECTIONS_VIEW_ACCESS_H_
