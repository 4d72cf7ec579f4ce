#include "net/loopback_ports.hpp"

#include <gtest/gtest.h>

#include <asio.hpp>
#include <set>

namespace baton::net {
namespace {

TEST(LoopbackPorts, AreDistinct) {
  const auto ports = reserve_loopback_ports(40);
  ASSERT_EQ(ports.size(), 40u);
  EXPECT_EQ(std::set<std::uint16_t>(ports.begin(), ports.end()).size(), 40u);
  for (auto port : ports) EXPECT_NE(port, 0u);
}

// The node's listeners set SO_REUSEADDR (asio's acceptor does by default), which is what lets
// them take a port whose reservation sits in TIME_WAIT.
TEST(LoopbackPorts, AListenerWithReuseAddressTakesAReservedPort) {
  asio::io_context io;
  for (auto port : reserve_loopback_ports(5)) {
    asio::error_code error;
    asio::ip::tcp::acceptor acceptor(io);
    acceptor.open(asio::ip::tcp::v4(), error);
    acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), error);
    acceptor.bind({asio::ip::make_address("127.0.0.1"), port}, error);
    EXPECT_FALSE(error) << "port " << port << ": " << error.message();
    acceptor.listen(asio::socket_base::max_listen_connections, error);
    EXPECT_FALSE(error) << "port " << port << ": " << error.message();
  }
}

// What the reservation is for: the kernel's own choice of a free port passes over a reserved one
// while its TIME_WAIT lasts, so another test or process binding port 0 does not take it.
TEST(LoopbackPorts, TheKernelDoesNotHandOutAReservedPort) {
  const auto reserved = reserve_loopback_ports(100);
  const std::set<std::uint16_t> taken(reserved.begin(), reserved.end());
  asio::io_context io;
  for (int i = 0; i < 3000; ++i) {
    asio::ip::tcp::acceptor any(io, {asio::ip::make_address("127.0.0.1"), 0});
    EXPECT_EQ(taken.count(any.local_endpoint().port()), 0u) << "after " << i << " picks";
  }
}

}  // namespace
}  // namespace baton::net
