#include "bench/bench_dir.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace crm::bench {

namespace fs = std::filesystem;

absl::StatusOr<BenchDir> BenchDir::Create(absl::string_view parent) {
  std::string base(parent);
  if (base.empty()) {
    const char* env = getenv("TMPDIR");
    base = (env != nullptr && *env != '\0') ? env : "/tmp";
  }
  std::error_code ec;
  fs::create_directories(base, ec);
  std::string tmpl = (fs::path(base) / "crm_store_bench.XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp(", tmpl, "): ", strerror(errno)));
  }
  return BenchDir(std::move(tmpl));
}

BenchDir::BenchDir(BenchDir&& other) noexcept
    : path_(std::move(other.path_)), children_(other.children_), keep_(other.keep_) {
  other.path_.clear();
}

BenchDir::~BenchDir() {
  if (!path_.empty() && !keep_) RemoveTree(path_);
}

std::string BenchDir::NewChild(absl::string_view name) {
  return absl::StrCat(path_, "/", name, "-", children_++);
}

void BenchDir::RemoveChild(const std::string& child) {
  if (!keep_) RemoveTree(child);
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

void SettleFileSystem(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  syncfs(fd);
  close(fd);
}

std::string FileSystemType(const std::string& path) {
  struct statfs st;
  if (statfs(path.c_str(), &st) != 0) return "unknown";
  switch (static_cast<unsigned long>(st.f_type)) {
    case EXT4_SUPER_MAGIC:  // also ext2/ext3: same magic
      return "ext4";
    case TMPFS_MAGIC:
      return "tmpfs";
    case XFS_SUPER_MAGIC:
      return "xfs";
    case BTRFS_SUPER_MAGIC:
      return "btrfs";
    case OVERLAYFS_SUPER_MAGIC:
      return "overlayfs";
    default:
      return absl::StrCat("0x", absl::Hex(st.f_type));
  }
}

bool IsMemoryFileSystem(const std::string& path) {
  struct statfs st;
  return statfs(path.c_str(), &st) == 0 && (static_cast<unsigned long>(st.f_type) == TMPFS_MAGIC ||
                                            static_cast<unsigned long>(st.f_type) == RAMFS_MAGIC);
}

void EvictFromPageCache(const std::string& path) {
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    int fd = open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    // DONTNEED drops only clean pages: write dirty ones back first.
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    close(fd);
  }
}

uint64_t BytesWithSuffix(const std::string& path, absl::string_view suffix) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
    if (entry.is_regular_file(ec) && absl::EndsWith(entry.path().string(), suffix)) {
      total += entry.file_size(ec);
    }
  }
  return total;
}

}  // namespace crm::bench
