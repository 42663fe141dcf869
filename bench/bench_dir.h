// Scratch folders for the benchmark, and the few file-system facts a reader of
// its numbers needs (is fsync real here? how much of a store is in SSTs?).
//
// Thread-safety: BenchDir is used from the main thread only.
#ifndef CRM_BENCH_BENCH_DIR_H_
#define CRM_BENCH_BENCH_DIR_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm::bench {

// A fresh folder `<parent>/crm_store_bench.XXXXXX`, removed with everything in
// it on destruction unless Keep() was called.
class BenchDir {
 public:
  // `parent` empty means $TMPDIR, else /tmp. Returns the mkdtemp error.
  static absl::StatusOr<BenchDir> Create(absl::string_view parent);

  BenchDir(BenchDir&& other) noexcept;
  BenchDir& operator=(BenchDir&&) = delete;
  ~BenchDir();

  const std::string& path() const { return path_; }
  // A new, not yet existing, path inside this folder: `<path>/<name>-<n>`, so
  // every row gets its own database.
  std::string NewChild(absl::string_view name);
  // Removes a child made by NewChild, unless Keep() was called.
  void RemoveChild(const std::string& child);
  // Keeps this folder and every child, for inspection.
  void Keep() { keep_ = true; }

 private:
  explicit BenchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
  int children_ = 0;
  bool keep_ = false;
};

// Removes a folder tree; errors are ignored (it is scratch space).
void RemoveTree(const std::string& path);

// Commits the file system holding `path` (syncfs), so the writeback and
// journal work left by one row (a removed database) is not billed to the next.
void SettleFileSystem(const std::string& path);

// The file-system type of `path` ("ext4", "tmpfs", ...), for the report
// header: on tmpfs an fsync costs nothing and the durable numbers mean little.
std::string FileSystemType(const std::string& path);
bool IsMemoryFileSystem(const std::string& path);

// Writes back and then evicts every file under `path` from the OS page cache
// (fdatasync + posix_fadvise DONTNEED), so a reopened store reads from the
// device rather than from memory. Touches only these files, unlike
// drop_caches, which would disturb everyone else on the machine.
void EvictFromPageCache(const std::string& path);

// Bytes under `path` in files ending with `suffix` (".sst", ".log").
uint64_t BytesWithSuffix(const std::string& path, absl::string_view suffix);

}  // namespace crm::bench

#endif  // CRM_BENCH_BENCH_DIR_H_
