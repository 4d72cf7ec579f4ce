// The file handling of the hard state: POSIX calls rather than iostreams, because durability needs
// fsync on the file and on its directory, and an error must carry errno's reason.
#include "storage/hard_state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "storage/hard_state_record.hpp"

namespace baton::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFileName = "hard_state";
// Fixed name: one node owns its directory, and a leftover from a crash mid-save is simply
// truncated and rewritten by the next save. load() never looks at it.
constexpr std::string_view kTempSuffix = ".tmp";

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
  throw StorageError("hard state file '" + file.string() + "': " + what);
}

[[noreturn]] void fail_errno(const fs::path& file, const std::string& what, int error) {
  fail(file, what + ": " + std::strerror(error));
}

/// Owns a file descriptor; close errors that matter are checked explicitly with close_checked().
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  /// Closes now; returns 0 or the errno of a failed close (which can report a failed write-back).
  int close_checked() {
    const int result = ::close(std::exchange(fd_, -1));
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

/// fsync of a directory, so that entries created or renamed in it survive a power cut.
void sync_directory(const fs::path& file, const fs::path& dir) {
  const fs::path target = dir.empty() ? fs::path(".") : dir;
  Fd fd(::open(target.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) fail_errno(file, "cannot open directory '" + target.string() + "'", errno);
  if (::fsync(fd.get()) != 0) fail_errno(file, "fsync of '" + target.string() + "' failed", errno);
}

/// Creates `dir` and missing parents, each made durable in its own parent.
void ensure_directory(const fs::path& file, const fs::path& dir) {
  std::vector<fs::path> missing;
  std::error_code ec;
  for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  if (missing.empty()) return;
  fs::create_directories(dir, ec);
  if (ec) fail(file, "cannot create directory '" + dir.string() + "': " + ec.message());
  for (auto it = missing.rbegin(); it != missing.rend(); ++it)
    sync_directory(file, it->parent_path());
}

void write_all(const fs::path& file, const fs::path& temp, int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(file, "cannot write '" + temp.string() + "'", errno);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

/// Writes the temp file durably; removes it if anything fails.
void write_temp(const fs::path& file, const fs::path& temp, std::string_view bytes) {
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail_errno(file, "cannot create '" + temp.string() + "'", errno);
  try {
    write_all(file, temp, fd.get(), bytes);
    if (::fsync(fd.get()) != 0) fail_errno(file, "fsync of '" + temp.string() + "' failed", errno);
    if (const int error = fd.close_checked(); error != 0) {
      fail_errno(file, "cannot close '" + temp.string() + "'", error);
    }
  } catch (...) {
    ::unlink(temp.c_str());
    throw;
  }
}

}  // namespace

HardStateFile::HardStateFile(std::filesystem::path dir)
    : dir_(std::move(dir)), path_(dir_ / kFileName) {}

std::optional<HardState> HardStateFile::load() const {
  Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    // Only a missing file means "never saved"; anything else (a permission problem, the directory
    // being a file) is an error, because starting from zero could mean voting twice in a term.
    if (errno == ENOENT) return std::nullopt;
    fail_errno(path_, "cannot open", errno);
  }
  // One byte more than a record, to tell an over-long file from a good one.
  std::string bytes(kHardStateRecordBytes + 1, '\0');
  std::size_t size = 0;
  while (size < bytes.size()) {
    const ssize_t n = ::read(fd.get(), bytes.data() + size, bytes.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno(path_, "cannot read", errno);
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  bytes.resize(size);
  DecodedHardState decoded = decode_hard_state(bytes);
  if (!decoded.state) fail(path_, decoded.error);
  return decoded.state;
}

void HardStateFile::save(const HardState& state) {
  // Write-to-temp, fsync, rename, fsync the directory: after a crash at any point the path holds
  // either the old record or the new one, never a torn mix, and once we return the new one would
  // survive a power cut.
  ensure_directory(path_, dir_);
  fs::path temp = path_;
  temp += kTempSuffix;
  write_temp(path_, temp, encode_hard_state(state));
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    fail_errno(path_, "cannot rename '" + temp.string() + "' over it", error);
  }
  sync_directory(path_, dir_);
}

}  // namespace baton::storage
