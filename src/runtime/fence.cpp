#include "baton/fence.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace baton {
namespace {

[[noreturn]] void fail(const std::string& path, const char* what) {
  throw std::runtime_error(path + ": " + what + ": " + std::strerror(errno));
}

/// An fd with an exclusive lock, closed (and so unlocked) on scope exit.
class LockedFd {
 public:
  LockedFd(const std::string& path, int flags) : path_(path) {
    fd_ = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(path, "cannot open");
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) fail(path, "cannot lock");
    }
  }
  ~LockedFd() { ::close(fd_); }
  LockedFd(const LockedFd&) = delete;
  LockedFd& operator=(const LockedFd&) = delete;
  int fd() const { return fd_; }

 private:
  std::string path_;
  int fd_ = -1;
};

FenceToken read_token(int fd, const std::string& path) {
  char buffer[32] = {};
  const ssize_t n = ::pread(fd, buffer, sizeof(buffer) - 1, 0);
  if (n < 0) fail(path, "cannot read");
  if (n == 0) return 0;
  return std::stoull(std::string(buffer, static_cast<std::size_t>(n)));
}

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

bool FenceGate::admit(FenceToken token) {
  std::lock_guard lock(mu_);
  if (token < highest_) return false;
  highest_ = token;
  return true;
}

FenceToken FenceGate::highest() const {
  std::lock_guard lock(mu_);
  return highest_;
}

FencedFile::FencedFile(std::string path) : path_(std::move(path)) {}

bool FencedFile::append(FenceToken token, const std::string& line) {
  const std::string fence_path = path_ + ".fence";
  // The sidecar's lock serialises every check-and-write, across processes.
  LockedFd fence(fence_path, O_RDWR | O_CREAT);
  if (token < read_token(fence.fd(), fence_path)) return false;
  const int data = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (data < 0) fail(path_, "cannot open");
  try {
    write_all(data, line + "\n", path_);
    if (::fsync(data) != 0) fail(path_, "cannot fsync");
  } catch (...) {
    ::close(data);
    throw;
  }
  ::close(data);
  const std::string text = std::to_string(token);
  if (::ftruncate(fence.fd(), 0) != 0) fail(fence_path, "cannot truncate");
  if (::pwrite(fence.fd(), text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    fail(fence_path, "cannot write");
  }
  if (::fsync(fence.fd()) != 0) fail(fence_path, "cannot fsync");
  return true;
}

FenceToken FencedFile::highest() const {
  const std::string fence_path = path_ + ".fence";
  LockedFd fence(fence_path, O_RDWR | O_CREAT);
  return read_token(fence.fd(), fence_path);
}

}  // namespace baton
