// Fuzzes net::decode_envelope with arbitrary payloads (what a peer can put in a frame).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "envelope_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  baton::fuzz::check_envelope(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
