// Durable hard state (term, vote, epoch): one small file per node, written atomically (temp file,
// fsync, rename, fsync of the directory) with a checksum. A file that exists but cannot be read or
// fails its checksum is an error naming the file: starting from zero instead is how a node votes
// twice in one term.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/types.hpp"

namespace baton::storage {

/// Any failure to read or write the state file; what() names the file and the reason.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HardStateFile {
 public:
  /// The state lives in `dir`/hard_state (dir is created on first save if missing).
  explicit HardStateFile(std::filesystem::path dir);

  /// The saved state, or nullopt if no state was ever saved (no file). Throws StorageError for a
  /// file that is unreadable, truncated, of an unknown format version, or fails its checksum.
  std::optional<HardState> load() const;
  /// Replaces the state durably; returns only once it would survive a power cut. Throws
  /// StorageError naming the file on any failure (the old state is then still intact).
  void save(const HardState& state);

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

}  // namespace baton::storage
