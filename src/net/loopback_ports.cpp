#include "net/loopback_ports.hpp"

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <set>
#include <stdexcept>
#include <string>

namespace baton::net {
namespace {

using asio::ip::tcp;

/// Binds port 0, then parks the port in TIME_WAIT: the accepted end closes first, so the TIME_WAIT
/// entry is on the listening port's side.
std::uint16_t reserve_one(asio::io_context& io) {
  const tcp::endpoint any{asio::ip::make_address_v4("127.0.0.1"), 0};
  asio::error_code error;
  tcp::acceptor acceptor(io);
  acceptor.open(any.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(any, error);
  if (!error) acceptor.listen(1, error);
  const auto bound = error ? tcp::endpoint{} : acceptor.local_endpoint(error);
  if (error) throw std::runtime_error("cannot find a free port on 127.0.0.1: " + error.message());

  tcp::socket client(io);
  client.connect(bound, error);
  tcp::socket accepted(io);
  if (!error) acceptor.accept(accepted, error);
  if (error) {
    throw std::runtime_error("cannot reserve port " + std::to_string(bound.port()) +
                             " on 127.0.0.1: " + error.message());
  }
  accepted.close(error);
  client.close(error);
  acceptor.close(error);
  return bound.port();
}

}  // namespace

std::vector<std::uint16_t> reserve_loopback_ports(std::size_t count) {
  asio::io_context io;
  std::set<std::uint16_t> seen;
  std::vector<std::uint16_t> ports;
  // A port in TIME_WAIT is skipped by later picks, so repeats are rare; the bound keeps a kernel
  // that does repeat from looping forever.
  for (std::size_t attempts = 0; ports.size() < count && attempts < count * 20 + 20; ++attempts) {
    const auto port = reserve_one(io);
    if (seen.insert(port).second) ports.push_back(port);
  }
  if (ports.size() < count) {
    throw std::runtime_error("cannot find " + std::to_string(count) +
                             " distinct free ports on 127.0.0.1");
  }
  return ports;
}

}  // namespace baton::net
