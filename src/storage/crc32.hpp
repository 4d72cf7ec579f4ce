// CRC-32 (IEEE 802.3, the one of zlib, PNG and gzip: reflected polynomial 0xEDB88320, initial and
// final XOR 0xFFFFFFFF). Written here rather than pulled in: it is twenty lines, and the hard-state
// file only needs it to tell a torn or bit-rotted record from a good one.
#pragma once

#include <cstdint>
#include <string_view>

namespace baton::storage {

/// The CRC-32 of `bytes`; crc32("123456789") == 0xCBF43926.
std::uint32_t crc32(std::string_view bytes);

}  // namespace baton::storage
