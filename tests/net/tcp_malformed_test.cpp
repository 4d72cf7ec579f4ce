// Malformed input thrown at a TcpTransport from raw sockets: after each, the transport still
// exchanges frames with a good peer, and the counters and reports say what happened.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "net/frame.hpp"
#include "net/handshake.hpp"
#include "net/tcp_transport.hpp"
#include "raw_client.hpp"
#include "transport_harness.hpp"

namespace baton::net {
namespace {

using harness::Harness;
using harness::hello;
using harness::RawClient;
using harness::TestNode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

/// Node 1 (the target) knows peers 2 and 3. Node 2 is a real transport, the good peer; node 3
/// exists only as an identity a raw socket may claim.
class TcpMalformed : public ::testing::Test {
 protected:
  TcpMalformed() : h({1, 2, 3}) {
    auto config = h.config(1, {2, 3});
    config.handshake_timeout = 200ms;
    target = &h.start(config);
    good = &h.start(h.config(2, {1}));
    EXPECT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  }

  RawClient connect() { return RawClient(h.io, h.port(1)); }

  /// Waits until the target has counted `count` anonymous malformed inputs.
  bool wait_anonymous(std::uint64_t count) {
    return h.run_until([&] { return target->transport->anonymous_malformed_frames() >= count; });
  }
  std::string last_report() const {
    return target->malformed.empty() ? "" : target->malformed.back().second;
  }
  /// The target still talks to the good peer, which saw nothing wrong.
  void expect_healthy(const std::string& tag) {
    EXPECT_TRUE(h.exchange(1, 2, tag));
    EXPECT_EQ(target->stats(2).malformed_frames, 0u);
    EXPECT_TRUE(target->stats(2).incoming_connected);
    EXPECT_TRUE(good->malformed.empty());
    EXPECT_TRUE(good->lost.empty());
  }

  Harness h;
  TestNode* target = nullptr;
  TestNode* good = nullptr;
};

TEST_F(TcpMalformed, RandomBytes) {
  std::minstd_rand random(42);
  std::string bytes(256, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xFF);
  auto raw = connect();
  raw.write(bytes);
  raw.close();
  ASSERT_TRUE(wait_anonymous(1));
  h.run_for(10ms);
  EXPECT_EQ(target->transport->anonymous_malformed_frames(), 1u);
  ASSERT_EQ(target->malformed.size(), 1u);
  EXPECT_EQ(target->malformed[0].first, kNoNode);
  expect_healthy("random");
}

TEST_F(TcpMalformed, HugeLengthPrefix) {
  auto raw = connect();
  raw.write(
      std::string("\x7f\xff\xff\xff"
                  "abc",
                  7));
  ASSERT_TRUE(wait_anonymous(1));
  EXPECT_EQ(last_report(), "frame length 2147483647 exceeds 65536");
  EXPECT_TRUE(h.run_until([&] { return raw.closed_by_peer(); }));
  expect_healthy("huge");
}

TEST_F(TcpMalformed, ZeroLength) {
  auto raw = connect();
  raw.write(std::string("\0\0\0\0", 4));
  ASSERT_TRUE(wait_anonymous(1));
  EXPECT_EQ(last_report(), "frame length 0");
  EXPECT_TRUE(h.run_until([&] { return raw.closed_by_peer(); }));
  expect_healthy("zero");
}

TEST_F(TcpMalformed, FrameTruncatedThenClosed) {
  auto raw = connect();
  raw.write(std::string("\0\0\0\x64", 4) + "only ten..");  // announces 100 bytes
  raw.close();
  ASSERT_TRUE(wait_anonymous(1));
  EXPECT_EQ(last_report(), "connection closed inside a frame (14 bytes buffered)");
  expect_healthy("truncated");
}

TEST_F(TcpMalformed, GarbageInsteadOfAHello) {
  auto raw = connect();
  raw.write_frame(std::string(12, '\xff'));  // a varint that never ends
  ASSERT_TRUE(wait_anonymous(1));
  EXPECT_EQ(last_report(), "hello: unparsable protobuf");
  ASSERT_TRUE(h.run_until([&] { return raw.closed_by_peer(); }));
  ASSERT_TRUE(raw.reply());
  EXPECT_FALSE(raw.reply()->accepted);
  EXPECT_EQ(raw.reply()->reason, "hello: unparsable protobuf");
  expect_healthy("garbage");
}

TEST_F(TcpMalformed, HelloWithoutSender) {
  auto raw = connect();
  raw.write_frame(hello(0, 1));
  ASSERT_TRUE(wait_anonymous(1));
  EXPECT_EQ(last_report(), "hello: from is 0");
  expect_healthy("no sender");
}

TEST_F(TcpMalformed, OtherWireVersionIsRefusedNamingBothVersions) {
  auto raw = connect();
  raw.write_frame(hello(3, 1, "test", kWireVersion + 1));
  ASSERT_TRUE(h.run_until([&] { return raw.closed_by_peer(); }));
  ASSERT_TRUE(raw.reply());
  EXPECT_FALSE(raw.reply()->accepted);
  EXPECT_EQ(raw.reply()->reason, "wire version " + std::to_string(kWireVersion + 1) +
                                     " does not match node 1's wire version " +
                                     std::to_string(kWireVersion));
  EXPECT_EQ(target->transport->anonymous_malformed_frames(), 1u);
  EXPECT_EQ(target->stats(3).malformed_frames, 0u);
  ASSERT_FALSE(target->malformed.empty());
  EXPECT_EQ(target->malformed.back().first, 3u);  // who it claimed to be, for the log
  expect_healthy("version");
}

TEST_F(TcpMalformed, HelloAddressedToAnotherNodeIsRefused) {
  auto raw = connect();
  raw.write_frame(hello(3, 2));
  ASSERT_TRUE(h.run_until([&] { return raw.closed_by_peer(); }));
  ASSERT_TRUE(raw.reply());
  EXPECT_EQ(raw.reply()->reason, "hello addressed to node 2 reached node 1");
  expect_healthy("misaddressed");
}

TEST_F(TcpMalformed, ValidHelloThenGarbage) {
  auto raw = connect();
  raw.write_frame(hello(3, 1));
  raw.write_frame("a good frame");
  ASSERT_TRUE(h.run_until([&] { return !target->payloads_from(3).empty(); }));
  ASSERT_TRUE(raw.reply());
  EXPECT_TRUE(raw.reply()->accepted);
  EXPECT_TRUE(target->stats(3).incoming_connected);
  raw.write(std::string("\xff\xff\xff\xff", 4));
  ASSERT_TRUE(h.run_until([&] { return target->stats(3).malformed_frames == 1; }));
  EXPECT_EQ(last_report(), "frame length 4294967295 exceeds 65536");
  EXPECT_EQ(target->malformed.back().first, 3u);
  EXPECT_EQ(target->transport->anonymous_malformed_frames(), 0u);
  EXPECT_THAT(target->payloads_from(3), ElementsAre("a good frame"));
  EXPECT_THAT(target->lost, ElementsAre(3u));  // the handshaken connection is gone
  EXPECT_FALSE(target->stats(3).incoming_connected);
  EXPECT_TRUE(h.run_until([&] { return raw.closed_by_peer(); }));
  expect_healthy("hello then garbage");
}

TEST_F(TcpMalformed, ValidHelloThenTruncatedFrame) {
  auto raw = connect();
  raw.write_frame(hello(3, 1));
  ASSERT_TRUE(h.run_until([&] { return target->stats(3).incoming_connected; }));
  raw.write(
      std::string("\0\0\0\x08"
                  "half",
                  8));
  raw.close();
  ASSERT_TRUE(h.run_until([&] { return !target->lost.empty(); }));
  EXPECT_EQ(target->stats(3).malformed_frames, 1u);
  EXPECT_EQ(last_report(), "connection closed inside a frame (8 bytes buffered)");
  EXPECT_THAT(target->lost, ElementsAre(3u));
  expect_healthy("hello then truncated");
}

TEST_F(TcpMalformed, SilentConnectionIsClosedAfterTheHandshakeTimeout) {
  auto silent = connect();
  auto partial = connect();
  partial.write(std::string("\0\0", 2));  // half a header, then nothing
  ASSERT_TRUE(
      h.run_until([&] { return silent.closed_by_peer() && partial.closed_by_peer(); }, 2000ms));
  // Silence is not malformed; half a frame left behind is.
  EXPECT_EQ(target->transport->anonymous_malformed_frames(), 1u);
  EXPECT_EQ(last_report(), "connection closed inside a frame (2 bytes buffered)");
  expect_healthy("timeout");
}

TEST_F(TcpMalformed, ANewDialReplacesTheOldIncomingConnectionWithoutALoss) {
  auto first = connect();
  first.write_frame(hello(3, 1));
  ASSERT_TRUE(h.run_until([&] { return first.reply().has_value(); }));
  auto second = connect();
  second.write_frame(hello(3, 1));
  // The peer dialed again, so the transport drops the old connection; that is not a loss.
  ASSERT_TRUE(h.run_until([&] { return first.closed_by_peer(); }));
  ASSERT_TRUE(h.run_until([&] { return second.reply().has_value(); }));
  EXPECT_TRUE(second.reply()->accepted);
  EXPECT_TRUE(target->lost.empty());
  EXPECT_TRUE(target->stats(3).incoming_connected);
  second.write_frame("on the new connection");
  ASSERT_TRUE(h.run_until([&] { return !target->payloads_from(3).empty(); }));
  second.close();
  ASSERT_TRUE(h.run_until([&] { return !target->lost.empty(); }));
  EXPECT_THAT(target->lost, ElementsAre(3u));
  EXPECT_TRUE(target->malformed.empty());
  expect_healthy("replaced");
}

TEST(TcpMalformedLimits, ConnectionsAwaitingAHandshakeAreBounded) {
  Harness h({1, 2});
  auto config = h.config(1, {2});
  config.handshake_timeout = 5000ms;
  h.start(config);
  std::vector<RawClient> waiting;
  for (int i = 0; i < 64; ++i) waiting.emplace_back(h.io, h.port(1));
  h.run_for(50ms);  // all 64 accepted and waiting for their Hello
  RawClient one_too_many(h.io, h.port(1));
  ASSERT_TRUE(h.run_until([&] { return one_too_many.closed_by_peer(); }, 2000ms));
  for (const auto& client : waiting) EXPECT_FALSE(client.closed_by_peer());
  // A member still gets in once a slot frees up.
  waiting.clear();
  auto& b = h.start(h.config(2, {1}));
  h.nodes.at(1)->transport->send(2, "in");
  h.nodes.at(2)->transport->send(1, "in");
  ASSERT_TRUE(h.run_until([&] { return !b.frames.empty() && !h.nodes.at(1)->frames.empty(); }));
}

}  // namespace
}  // namespace baton::net
