// The bytes of the hard-state file (hard_state_file.hpp), apart from the file handling so the
// format can be read and tested on its own.
//
// Layout, 32 bytes, integers little-endian:
//   0  magic "BTHS"        identifies the file; a stray file at the path is not read as state
//   4  u32 format version  1; a file from a newer, incompatible build is refused, not misread
//   8  u64 term
//  16  u32 voted_for
//  20  u64 epoch
//  28  u32 CRC-32 of bytes 0..27
// Fixed-size and binary because it is rewritten on every vote: one small write, one checksum.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.hpp"

namespace baton::storage {

inline constexpr std::uint32_t kHardStateFormatVersion = 1;
inline constexpr std::size_t kHardStateRecordBytes = 32;

/// The record of `state`, kHardStateRecordBytes long.
std::string encode_hard_state(const HardState& state);

/// A decoded record, or what is wrong with it ("truncated: 7 of 32 bytes", "checksum mismatch").
struct DecodedHardState {
  std::optional<HardState> state;
  std::string error;
};

DecodedHardState decode_hard_state(std::string_view bytes);

}  // namespace baton::storage
