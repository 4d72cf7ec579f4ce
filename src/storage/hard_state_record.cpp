#include "storage/hard_state_record.hpp"

#include <cstdio>

#include "storage/crc32.hpp"

namespace baton::storage {
namespace {

constexpr std::string_view kMagic = "BTHS";
constexpr std::size_t kVersionOffset = 4;
constexpr std::size_t kTermOffset = 8;
constexpr std::size_t kVotedForOffset = 16;
constexpr std::size_t kEpochOffset = 20;
constexpr std::size_t kCrcOffset = 28;
static_assert(kCrcOffset + 4 == kHardStateRecordBytes);

template <class T>
void put(std::string& out, std::size_t offset, T value) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

template <class T>
T get(std::string_view in, std::size_t offset) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<std::uint8_t>(in[offset + i])) << (8 * i);
  }
  return value;
}

std::string hex32(std::uint32_t value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08x", value);
  return buffer;
}

std::string truncated(std::size_t size) {
  return "truncated: " + std::to_string(size) + " of " + std::to_string(kHardStateRecordBytes) +
         " bytes";
}

}  // namespace

std::string encode_hard_state(const HardState& state) {
  std::string out(kHardStateRecordBytes, '\0');
  out.replace(0, kMagic.size(), kMagic);
  put<std::uint32_t>(out, kVersionOffset, kHardStateFormatVersion);
  put<std::uint64_t>(out, kTermOffset, state.term);
  put<std::uint32_t>(out, kVotedForOffset, state.voted_for);
  put<std::uint64_t>(out, kEpochOffset, state.epoch);
  put<std::uint32_t>(out, kCrcOffset, crc32(std::string_view(out).substr(0, kCrcOffset)));
  return out;
}

DecodedHardState decode_hard_state(std::string_view bytes) {
  // Magic and version first, so a foreign or newer file is named as such rather than as "bad
  // checksum"; then the size, which depends on the version; then the checksum.
  if (bytes.size() < kTermOffset) return {std::nullopt, truncated(bytes.size())};
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    return {std::nullopt, "not a hard state file (magic " + hex32(get<std::uint32_t>(bytes, 0)) +
                              ", expected " + hex32(get<std::uint32_t>(kMagic, 0)) + ")"};
  }
  if (const auto version = get<std::uint32_t>(bytes, kVersionOffset);
      version != kHardStateFormatVersion) {
    return {std::nullopt, "unknown format version " + std::to_string(version) +
                              " (this build reads version " +
                              std::to_string(kHardStateFormatVersion) + ")"};
  }
  if (bytes.size() < kHardStateRecordBytes) return {std::nullopt, truncated(bytes.size())};
  if (bytes.size() > kHardStateRecordBytes) {
    return {std::nullopt, "longer than the " + std::to_string(kHardStateRecordBytes) +
                              "-byte record (trailing data)"};
  }
  const std::uint32_t stored = get<std::uint32_t>(bytes, kCrcOffset);
  const std::uint32_t computed = crc32(bytes.substr(0, kCrcOffset));
  if (stored != computed) {
    return {std::nullopt,
            "checksum mismatch (stored " + hex32(stored) + ", computed " + hex32(computed) + ")"};
  }
  return {HardState{.term = get<std::uint64_t>(bytes, kTermOffset),
                    .voted_for = get<std::uint32_t>(bytes, kVotedForOffset),
                    .epoch = get<std::uint64_t>(bytes, kEpochOffset)},
          {}};
}

}  // namespace baton::storage
