#include "net/address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace baton::net {
namespace {

std::string error_of(std::string_view address, bool allow_port_zero = false) {
  try {
    parse_host_port(address, "peer 3", allow_port_zero);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(Address, ParsesHostsNamesAndBracketedIpv6) {
  const auto ip = parse_host_port("127.0.0.1:7000", "listen", false);
  EXPECT_EQ(ip.host, "127.0.0.1");
  EXPECT_EQ(ip.port, 7000);
  EXPECT_EQ(parse_host_port("node-a.example:1", "listen", false).host, "node-a.example");
  const auto v6 = parse_host_port("[::1]:65535", "listen", false);
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 65535);
  EXPECT_EQ(parse_host_port("0.0.0.0:0", "listen", true).port, 0);
}

TEST(Address, ErrorsNameTheAddress) {
  EXPECT_EQ(error_of("foo"), "peer 3 address 'foo' is not host:port");
  EXPECT_EQ(error_of(""), "peer 3 address '' is not host:port");
  EXPECT_EQ(error_of(":80"), "peer 3 address ':80' is not host:port");
  EXPECT_EQ(error_of("host:"), "peer 3 address 'host:' is not host:port");
  EXPECT_EQ(error_of("[]:80"), "peer 3 address '[]:80' is not host:port");
  EXPECT_EQ(
      error_of("::1:80"),
      "peer 3 address '::1:80' is not host:port (write an IPv6 host in brackets: [::1]:7000)");
  EXPECT_EQ(error_of("host:http"), "peer 3 address 'host:http' has no valid port (0-65535)");
  EXPECT_EQ(error_of("host:-1"), "peer 3 address 'host:-1' has no valid port (0-65535)");
  EXPECT_EQ(error_of("host:65536"), "peer 3 address 'host:65536' has no valid port (0-65535)");
  EXPECT_EQ(error_of("host:0"), "peer 3 address 'host:0' has port 0");
  EXPECT_EQ(error_of("host:0", true), "no error");
}

}  // namespace
}  // namespace baton::net
