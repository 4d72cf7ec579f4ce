// A pair of transports sends both ways on one connection, the one the lower id dialed; a peer
// that does not offer sharing (an older node) still gets one connection per direction.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

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

/// Long enough for a frame on loopback to arrive many times over.
constexpr auto kWouldHaveArrived = 150ms;

TEST(TcpSharedConnection, TwoTransportsShareTheConnectionTheLowerIdDialed) {
  Harness h({1, 2});
  auto& a = h.start(h.config(1, {2}));
  auto& b = h.start(h.config(2, {1}));
  ASSERT_TRUE(h.run_until([&] {
    return h.linked(1, 2) && a.stats(2).shared_connection && b.stats(1).shared_connection;
  }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(h.exchange(1, 2, "round " + std::to_string(i)));
  EXPECT_EQ(a.stats(2).frames_sent, 3u);
  EXPECT_EQ(b.stats(1).frames_sent, 3u);
  EXPECT_EQ(a.stats(2).frames_received, 3u);
  EXPECT_EQ(b.stats(1).frames_received, 3u);
  EXPECT_TRUE(a.malformed.empty());
  EXPECT_TRUE(b.malformed.empty());
}

TEST(TcpSharedConnection, AHigherIdAnswersOnTheConnectionItsPeerDialed) {
  // Node 1 is a raw socket that offers to share; nobody listens at node 1's address, so the
  // transport's own connection to node 1 never comes up: only the shared one can carry frames.
  Harness h({1, 2});
  auto& b = h.start(h.config(2, {1}));
  RawClient raw(h.io, h.port(2));
  raw.write_frame(hello(1, 2, "test", kWireVersion, /*share=*/true));
  ASSERT_TRUE(h.run_until([&] { return raw.reply().has_value(); }));
  EXPECT_TRUE(raw.reply()->accepted);
  EXPECT_TRUE(raw.reply()->share_connection);
  EXPECT_TRUE(b.stats(1).shared_connection);
  EXPECT_FALSE(b.stats(1).outgoing_connected);
  b.transport->send(1, "first");
  b.transport->send(1, "second");
  ASSERT_TRUE(h.run_until([&] { return raw.frames().size() == 2; }));
  EXPECT_THAT(raw.frames(), ElementsAre("first", "second"));
  raw.write_frame("and back");
  ASSERT_TRUE(h.run_until([&] { return !b.frames.empty(); }));
  EXPECT_THAT(b.payloads_from(1), ElementsAre("and back"));

  // The shared connection ends: frames wait for the transport's own connection to node 1, and
  // go first on the next shared connection, in order, when node 1 is back before that.
  raw.close();
  ASSERT_TRUE(h.run_until([&] { return !b.stats(1).incoming_connected; }));
  EXPECT_FALSE(b.stats(1).shared_connection);
  b.transport->send(1, "queued one");
  b.transport->send(1, "queued two");
  RawClient again(h.io, h.port(2));
  again.write_frame(hello(1, 2, "test", kWireVersion, /*share=*/true));
  ASSERT_TRUE(h.run_until([&] { return again.reply().has_value(); }));
  b.transport->send(1, "after");
  ASSERT_TRUE(h.run_until([&] { return again.frames().size() == 3; }));
  EXPECT_THAT(again.frames(), ElementsAre("queued one", "queued two", "after"));
}

TEST(TcpSharedConnection, APeerThatDoesNotOfferSharingIsNeverSentToOnItsConnection) {
  // How a node from before sharing dials: no offer, and it would take a frame on its connection
  // for a broken protocol.
  Harness h({1, 2});
  auto& b = h.start(h.config(2, {1}));
  RawClient raw(h.io, h.port(2));
  raw.write_frame(hello(1, 2));
  ASSERT_TRUE(h.run_until([&] { return raw.reply().has_value(); }));
  EXPECT_TRUE(raw.reply()->accepted);
  EXPECT_FALSE(raw.reply()->share_connection);
  EXPECT_FALSE(b.stats(1).shared_connection);
  b.transport->send(1, "not on this connection");
  h.run_for(kWouldHaveArrived);
  EXPECT_TRUE(raw.frames().empty());
}

TEST(TcpSharedConnection, OnlyTheConnectionTheLowerIdDialedIsShared) {
  Harness h({2, 3});
  auto& b = h.start(h.config(2, {3}));
  RawClient raw(h.io, h.port(2));
  raw.write_frame(hello(3, 2, "test", kWireVersion, /*share=*/true));
  ASSERT_TRUE(h.run_until([&] { return raw.reply().has_value(); }));
  EXPECT_TRUE(raw.reply()->accepted);
  EXPECT_FALSE(raw.reply()->share_connection);
  b.transport->send(3, "not on this connection");
  h.run_for(kWouldHaveArrived);
  EXPECT_TRUE(raw.frames().empty());
}

TEST(TcpSharedConnection, ATransportWithSharingOffNeitherOffersNorAgrees) {
  Harness h({1, 2});
  auto config = h.config(2, {1});
  config.share_connections = false;
  auto& b = h.start(config);
  RawClient raw(h.io, h.port(2));
  raw.write_frame(hello(1, 2, "test", kWireVersion, /*share=*/true));
  ASSERT_TRUE(h.run_until([&] { return raw.reply().has_value(); }));
  EXPECT_FALSE(raw.reply()->share_connection);
  EXPECT_FALSE(b.stats(1).shared_connection);
}

class MixedSharing : public ::testing::TestWithParam<NodeId> {};

TEST_P(MixedSharing, APairWhereOneSideDoesNotShareUsesAConnectionPerDirection) {
  const NodeId older = GetParam();
  Harness h({1, 2});
  for (NodeId id : {NodeId{1}, NodeId{2}}) {
    auto config = h.config(id, {id == 1 ? NodeId{2} : NodeId{1}});
    config.share_connections = id != older;
    h.start(config);
  }
  ASSERT_TRUE(h.run_until([&] { return h.linked(1, 2); }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(h.exchange(1, 2, "round " + std::to_string(i)));
  EXPECT_FALSE(h.nodes.at(1)->stats(2).shared_connection);
  EXPECT_FALSE(h.nodes.at(2)->stats(1).shared_connection);
  EXPECT_TRUE(h.nodes.at(1)->malformed.empty());
  EXPECT_TRUE(h.nodes.at(2)->malformed.empty());
}

INSTANTIATE_TEST_SUITE_P(OlderNode, MixedSharing, ::testing::Values(NodeId{1}, NodeId{2}),
                         [](const auto& info) { return "Node" + std::to_string(info.param); });

/// Plays node 2 by hand for a transport (node 1) that dials it: accepts, reads the Hello,
/// answers it, then reads and writes frames on the same socket.
class RawAcceptor {
 public:
  RawAcceptor(Harness& h, NodeId self)
      : h_(h),
        acceptor_(h.io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), h.port(self))),
        socket_(h.io) {}

  /// Accepts the transport's dial and returns its Hello.
  std::optional<Hello> accept() {
    acceptor_.non_blocking(true);
    const bool accepted = h_.run_until([&] {
      asio::error_code error;
      acceptor_.accept(socket_, error);
      return !error;
    });
    if (!accepted) return std::nullopt;
    socket_.non_blocking(true);
    std::optional<std::string> frame;
    h_.run_until([&] { return (frame = next_frame()).has_value(); });
    if (!frame) return std::nullopt;
    return decode_hello(*frame).value;
  }
  void close() {
    asio::error_code ignored;
    socket_.close(ignored);
  }
  /// Closes with a reset (RST), as a process killed with unread input does.
  void reset() {
    asio::error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    close();
  }
  void write(std::string_view bytes) {
    socket_.non_blocking(false);
    asio::write(socket_, asio::buffer(bytes));
    socket_.non_blocking(true);
  }
  /// The next frame the transport sent, if one has arrived.
  std::optional<std::string> next_frame() {
    asio::error_code error;
    std::array<char, 4096> buffer{};
    const std::size_t n = socket_.read_some(asio::buffer(buffer), error);
    if (!error) decoder_.feed(std::string_view(buffer.data(), n));
    return decoder_.next();
  }

 private:
  Harness& h_;
  asio::ip::tcp::acceptor acceptor_;
  asio::ip::tcp::socket socket_;
  FrameDecoder decoder_;
};

std::string framed(std::string_view payload) {
  std::string out;
  append_frame(out, payload);
  return out;
}

std::string reply(bool share) {
  return framed(
      encode_hello_reply(HelloReply{.accepted = true, .reason = {}, .share_connection = share}));
}

TEST(TcpSharedConnection, TheDialerReadsFramesThatFollowTheReplyInOneSegment) {
  Harness h({1, 2});
  RawAcceptor peer(h, 2);
  auto& a = h.start(h.config(1, {2}));
  const auto hello = peer.accept();
  ASSERT_TRUE(hello.has_value());
  EXPECT_TRUE(hello->share_connection) << "a transport offers to share by default";
  peer.write(reply(true) + framed("right behind the reply"));
  ASSERT_TRUE(h.run_until([&] { return !a.frames.empty(); }));
  EXPECT_THAT(a.payloads_from(2), ElementsAre("right behind the reply"));
  EXPECT_TRUE(a.stats(2).shared_connection);
  EXPECT_EQ(a.stats(2).frames_received, 1u);
  a.transport->send(2, "answer");
  std::optional<std::string> answer;
  ASSERT_TRUE(h.run_until([&] { return (answer = peer.next_frame()).has_value(); }));
  EXPECT_EQ(*answer, "answer");
}

TEST(TcpSharedConnection, TheDialersDeferredInputWaitsOnTheSharedConnectionToo) {
  Harness h({1, 2});
  RawAcceptor peer(h, 2);
  auto& a = h.start(h.config(1, {2}));
  ASSERT_TRUE(peer.accept().has_value());
  peer.write(reply(true));
  ASSERT_TRUE(h.run_until([&] { return a.stats(2).shared_connection; }));
  a.transport->set_input_deferred(true);
  peer.write(framed("routine"));
  h.run_for(kWouldHaveArrived);
  EXPECT_TRUE(a.frames.empty()) << "deferred input was delivered before it was read";
  EXPECT_EQ(a.transport->read_deferred_input(), 1u);
  EXPECT_THAT(a.payloads_from(2), ElementsAre("routine"));
  // A frame of the wake size is delivered as it arrives, deferred or not.
  const std::string wake(kWakeFrameBytes - kFrameHeaderBytes, 'w');
  peer.write(framed(wake));
  ASSERT_TRUE(h.run_until([&] { return a.frames.size() == 2; }, 1000ms));
  EXPECT_EQ(a.frames.back().second, wake);
}

TEST(TcpSharedConnection, ABrokenFrameOnTheSharedConnectionIsCountedAndTheLinkRedials) {
  Harness h({1, 2});
  RawAcceptor peer(h, 2);
  auto& a = h.start(h.config(1, {2}));
  ASSERT_TRUE(peer.accept().has_value());
  peer.write(reply(true) + std::string("\0\0\0\0", 4));  // a frame of length 0
  ASSERT_TRUE(h.run_until([&] { return !a.malformed.empty(); }));
  EXPECT_EQ(a.malformed.back().first, 2u);
  EXPECT_THAT(a.malformed.back().second, HasSubstr("length 0"));
  EXPECT_EQ(a.stats(2).malformed_frames, 1u);
  EXPECT_FALSE(a.stats(2).shared_connection);
  EXPECT_FALSE(a.stats(2).outgoing_connected);
}

/// The peer's "last words" wait deferred on the shared connection and the peer has reset it;
/// `node` now sends into the reset. What the peer sent comes first, then its loss, both from the
/// loop, not from inside send().
void expect_a_send_into_the_reset_to_end_it_from_the_loop(Harness& h, TestNode& node, NodeId peer) {
  node.sending = true;
  node.transport->send(peer, "into the reset");
  node.sending = false;
  ASSERT_TRUE(h.run_until([&] { return !node.lost.empty(); }));
  h.run_for(20ms);
  const std::string id = std::to_string(peer);
  EXPECT_THAT(node.log, ElementsAre(id + ": last words", id + " lost"));
}

TEST(TcpSharedConnection, AWriteFailureOnTheConnectionAPeerDialedEndsItFromTheLoop) {
  // A peer with a lower id sends, then resets the shared connection; our next send finds the
  // reset. What it sent still comes first, and the loss is reported from the loop, not from
  // inside send(), where a runtime is in the middle of handing out a batch of messages.
  Harness h({1, 2});
  auto& b = h.start(h.config(2, {1}));
  RawClient raw(h.io, h.port(2));
  raw.write_frame(hello(1, 2, "test", kWireVersion, /*share=*/true));
  ASSERT_TRUE(h.run_until([&] { return b.stats(1).shared_connection; }));
  b.transport->set_input_deferred(true, 1);
  raw.write_frame("last words");
  h.run_for(kWouldHaveArrived);
  ASSERT_TRUE(b.frames.empty());
  raw.reset();
  expect_a_send_into_the_reset_to_end_it_from_the_loop(h, b, 1);
}

TEST(TcpSharedConnection, AWriteFailureOnTheConnectionWeDialedEndsItFromTheLoop) {
  Harness h({1, 2});
  RawAcceptor peer(h, 2);
  auto& a = h.start(h.config(1, {2}));
  ASSERT_TRUE(peer.accept().has_value());
  peer.write(reply(true));
  ASSERT_TRUE(h.run_until([&] { return a.stats(2).shared_connection; }));
  a.transport->set_input_deferred(true, 2);
  peer.write(framed("last words"));
  h.run_for(kWouldHaveArrived);
  ASSERT_TRUE(a.frames.empty());
  peer.reset();
  expect_a_send_into_the_reset_to_end_it_from_the_loop(h, a, 2);
}

/// Node 3, played by hand, as a peer with a higher id: it agrees to share the connection node 2
/// (`a`) dialed (`peer`), and has dialed node 2 too (`dialed`, its own connection, idle once they
/// share).
void share_with_higher_peer(Harness& h, TestNode& a, RawAcceptor& peer, RawClient& dialed) {
  ASSERT_TRUE(peer.accept().has_value());
  peer.write(reply(true));
  dialed.write_frame(hello(3, 2, "test", kWireVersion, /*share=*/true));
  ASSERT_TRUE(
      h.run_until([&] { return a.stats(3).shared_connection && a.stats(3).incoming_connected; }));
}

TEST(TcpSharedConnection, AFrameOnTheIdleConnectionOfAPeerWeShareWithIsNotHeld) {
  // Node 3 shares the connection node 2 dialed, so its own connection to node 2 is idle and not
  // read on deferred rounds. A frame it sent there before sharing (in flight at the time) must
  // not wait in it for a read that never comes: that connection does not defer.
  Harness h({2, 3});
  RawAcceptor peer(h, 3);
  auto& a = h.start(h.config(2, {3}));
  RawClient dialed(h.io, h.port(2));
  ASSERT_NO_FATAL_FAILURE(share_with_higher_peer(h, a, peer, dialed));
  a.transport->set_input_deferred(true);
  dialed.write_frame("late, on the idle connection");
  ASSERT_TRUE(h.run_until([&] { return !a.frames.empty(); }, 1000ms));
  EXPECT_THAT(a.payloads_from(3), ElementsAre("late, on the idle connection"));
  // The shared one still defers.
  peer.write(framed("routine"));
  h.run_for(kWouldHaveArrived);
  EXPECT_EQ(a.frames.size(), 1u);
  EXPECT_EQ(a.transport->read_deferred_input(), 1u);
  EXPECT_EQ(a.frames.size(), 2u);
}

TEST(TcpSharedConnection, ACloseThatArrivesWithTheLastFramesIsSeen) {
  // Node 3 (by hand) dials, sends two frames and closes before the loop looks: the frames and
  // the end of the stream make one readiness edge. Reading must find the close after the frames,
  // or the connection would sit half-closed, its loss unreported (the receiver reads until
  // EAGAIN after a wake-up; Asio's re-arming of the wait would report the close too).
  Harness h({2, 3});
  auto& a = h.start(h.config(2, {3}));
  RawClient raw(h.io, h.port(2));
  raw.write_frame(hello(3, 2));
  ASSERT_TRUE(h.run_until([&] { return a.stats(3).incoming_connected; }));
  raw.write_frame("last");
  raw.write_frame("words");
  raw.close();
  ASSERT_TRUE(h.run_until([&] { return !a.lost.empty(); }, 1000ms));
  EXPECT_THAT(a.log, ElementsAre("3: last", "3: words", "3 lost"));
  EXPECT_FALSE(a.stats(3).incoming_connected);
}

class ClosingOrder : public ::testing::TestWithParam<bool> {};

TEST_P(ClosingOrder, APeerThatClosesBothConnectionsIsLostOnce) {
  // Node 3, by hand, plays a peer with a higher id: it shares the connection node 2 dialed and
  // dials node 2 too. A crash closes both, in either order; the runtime hears of it once.
  const bool shared_first = GetParam();
  Harness h({2, 3});
  RawAcceptor peer(h, 3);
  auto& a = h.start(h.config(2, {3}));
  RawClient dialed(h.io, h.port(2));
  ASSERT_NO_FATAL_FAILURE(share_with_higher_peer(h, a, peer, dialed));
  if (shared_first) {
    peer.close();
    ASSERT_TRUE(h.run_until([&] { return !a.stats(3).outgoing_connected; }));
    dialed.close();
  } else {
    dialed.close();
    ASSERT_TRUE(h.run_until([&] { return !a.stats(3).incoming_connected; }));
    EXPECT_TRUE(a.lost.empty()) << "the loss overtook what may still wait on the shared one";
    peer.close();
  }
  ASSERT_TRUE(h.run_until(
      [&] { return !a.stats(3).incoming_connected && !a.stats(3).outgoing_connected; }));
  h.run_for(50ms);
  EXPECT_THAT(a.lost, ElementsAre(3u));
}

TEST(TcpSharedConnection, APeerHeardFromAfterALossIsLostAgain) {
  // The shared connection breaks while node 3 lives on and falls back to its own connection: its
  // loss is reported, then its frames arrive there. When that connection ends too, that is a
  // new loss, not the one already reported.
  Harness h({2, 3});
  RawAcceptor peer(h, 3);
  auto& a = h.start(h.config(2, {3}));
  RawClient dialed(h.io, h.port(2));
  ASSERT_NO_FATAL_FAILURE(share_with_higher_peer(h, a, peer, dialed));
  peer.close();
  ASSERT_TRUE(h.run_until([&] { return !a.lost.empty(); }));
  dialed.write_frame("still here");
  ASSERT_TRUE(h.run_until([&] { return !a.frames.empty(); }));
  dialed.close();
  ASSERT_TRUE(h.run_until([&] { return a.lost.size() == 2; }, 1000ms));
  EXPECT_THAT(a.log, ElementsAre("3 lost", "3: still here", "3 lost"));
}

INSTANTIATE_TEST_SUITE_P(SharedFirstOrNot, ClosingOrder, ::testing::Bool(), [](const auto& info) {
  return info.param ? std::string("SharedFirst") : "IdleFirst";
});

TEST(TcpSharedConnection, ALinkThePeerDidNotShareStillTakesDataForABrokenProtocol) {
  Harness h({1, 2});
  RawAcceptor peer(h, 2);
  auto& a = h.start(h.config(1, {2}));
  ASSERT_TRUE(peer.accept().has_value());
  peer.write(reply(false) + framed("not expected here"));
  ASSERT_TRUE(h.run_until([&] { return !a.malformed.empty(); }));
  EXPECT_THAT(a.malformed.back().second, HasSubstr("unexpected data"));
  EXPECT_TRUE(a.frames.empty());
}

}  // namespace
}  // namespace baton::net
