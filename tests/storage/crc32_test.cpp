#include "storage/crc32.hpp"

#include <gtest/gtest.h>

#include <string>

namespace baton::storage {
namespace {

TEST(Crc32, MatchesTheStandardCheckValues) {
  // The check value of the CRC-32/ISO-HDLC catalogue entry, and values zlib's crc32() gives.
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0x00000000u);
  EXPECT_EQ(crc32("a"), 0xE8B7BE43u);
  EXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
  EXPECT_EQ(crc32(std::string(32, '\0')), 0x190A55ADu);
}

TEST(Crc32, SeesEverySingleBitFlip) {
  std::string bytes = "baton hard state";
  const std::uint32_t original = crc32(bytes);
  for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_NE(crc32(bytes), original) << "bit " << bit;
    bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
  }
  EXPECT_EQ(crc32(bytes), original);
}

}  // namespace
}  // namespace baton::storage
