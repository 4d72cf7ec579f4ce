// Fencing for the resource side: accept a write only with a fence token at least as large as the
// largest one accepted so far (Kleppmann's fencing tokens). Heartbeats say a leader was alive; the
// token is what stops a deposed leader — paused, partitioned, or just slow — from doing harm.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

namespace baton {

using FenceToken = std::uint64_t;

/// In-memory gate, thread-safe: one per protected resource.
class FenceGate {
 public:
  /// True, and remembered, when `token` >= every token accepted before; false for a stale one.
  bool admit(FenceToken token);
  FenceToken highest() const;

 private:
  mutable std::mutex mu_;
  FenceToken highest_ = 0;
};

/// A file written only by the current leader: every write carries a token and is applied only if
/// the token is >= the highest token that ever wrote to it. The highest token is kept in a sidecar
/// file (`PATH.fence`) and the check-and-write happens under an exclusive flock, so several
/// processes (old and new leaders) can share the file safely. Errors throw std::runtime_error
/// naming the file.
class FencedFile {
 public:
  explicit FencedFile(std::string path);
  /// Appends `line` (plus a newline) if `token` is not stale; returns whether it was written.
  bool append(FenceToken token, const std::string& line);
  /// The highest token that wrote, 0 if none.
  FenceToken highest() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace baton
