// Fuzzes the receive path of a connection: the bytes arrive in chunks of random sizes, go through
// net::FrameDecoder, and every frame it yields goes to net::decode_envelope. Input layout: byte 0
// seeds the chunk sizes, the rest is the byte stream (so a seed corpus of real frames stays valid).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "envelope_check.hpp"
#include "net/frame.hpp"

namespace {

// splitmix64: a tiny deterministic generator; libFuzzer needs the same input to do the same thing.
std::uint64_t next_random(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

struct Result {
  std::vector<std::string> frames;
  std::optional<std::string> error;
  std::size_t buffered = 0;
};

// Frames, error and leftover of `stream` fed in chunks of 0..64 bytes (0: an empty read).
Result decode_in_chunks(std::string_view stream, std::uint64_t seed) {
  baton::net::FrameDecoder decoder;
  Result result;
  while (true) {
    while (auto frame = decoder.next()) result.frames.push_back(std::move(*frame));
    if (stream.empty()) break;
    const std::size_t chunk = std::min<std::size_t>(next_random(seed) % 65, stream.size());
    decoder.feed(stream.substr(0, chunk));
    stream.remove_prefix(chunk);
  }
  result.error = decoder.error();
  result.buffered = decoder.buffered_bytes();
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint64_t seed = data[0];
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Result chunked = decode_in_chunks(stream, seed);
  std::size_t framed_bytes = 0;
  for (const std::string& frame : chunked.frames) {
    if (frame.empty() || frame.size() > baton::net::kMaxFramePayloadBytes) {
      baton::fuzz::fail("frame size out of bounds", std::to_string(frame.size()));
    }
    framed_bytes += baton::net::kFrameHeaderBytes + frame.size();
    baton::fuzz::check_envelope(frame);
  }
  // Every byte is either in a returned frame or still buffered, unless the stream broke.
  if (!chunked.error && framed_bytes + chunked.buffered != stream.size()) {
    baton::fuzz::fail("bytes lost between frames", std::to_string(framed_bytes));
  }
  // How the bytes were split must not matter: the whole stream at once gives the same result.
  baton::net::FrameDecoder at_once;
  at_once.feed(stream);
  std::vector<std::string> frames;
  while (auto frame = at_once.next()) frames.push_back(std::move(*frame));
  if (frames != chunked.frames || at_once.error() != chunked.error ||
      (!chunked.error && at_once.buffered_bytes() != chunked.buffered)) {
    baton::fuzz::fail("chunking changed the frames", chunked.error.value_or("no error"));
  }
  return 0;
}
