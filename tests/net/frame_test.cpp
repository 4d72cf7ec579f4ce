#include "net/frame.hpp"

#include <gtest/gtest.h>

namespace baton::net {
namespace {

TEST(Frame, RoundTripsFramesSplitAtEveryByte) {
  std::string stream;
  append_frame(stream, "hello");
  append_frame(stream, std::string(1000, 'x'));
  FrameDecoder decoder;
  std::vector<std::string> frames;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    while (auto frame = decoder.next()) frames.push_back(*frame);
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], "hello");
  EXPECT_EQ(frames[1], std::string(1000, 'x'));
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
  EXPECT_FALSE(decoder.error());
}

TEST(Frame, HugeLengthIsAnErrorNotAnAllocation) {
  FrameDecoder decoder;
  decoder.feed(std::string("\xff\xff\xff\xff", 4));
  EXPECT_FALSE(decoder.next());
  ASSERT_TRUE(decoder.error());
  EXPECT_EQ(*decoder.error(), "frame length 4294967295 exceeds 65536");
  decoder.feed("more");  // ignored once broken
  EXPECT_FALSE(decoder.next());
}

TEST(Frame, ZeroLengthIsAnError) {
  FrameDecoder decoder;
  decoder.feed(std::string("\0\0\0\0", 4));
  EXPECT_FALSE(decoder.next());
  EXPECT_EQ(decoder.error().value_or(""), "frame length 0");
}

TEST(Frame, TruncatedFrameWaitsAndShowsAsBuffered) {
  std::string stream;
  append_frame(stream, "abcdef");
  FrameDecoder decoder;
  decoder.feed(std::string_view(stream).substr(0, 7));
  EXPECT_FALSE(decoder.next());
  EXPECT_FALSE(decoder.error());
  EXPECT_EQ(decoder.buffered_bytes(), 7u);
}

}  // namespace
}  // namespace baton::net
