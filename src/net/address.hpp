// host:port addresses of the transport's configuration, checked before any socket exists so a typo
// fails at startup with the address in the message, not later as a connection that never comes up.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace baton::net {

/// A parsed "host:port"; host is a name or an IP address ("[::1]:7000" for IPv6, brackets removed).
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

/// Parses `address`; `what` names it in errors ("listen", "peer 3"). Throws std::invalid_argument,
/// e.g. "peer 3 address 'foo' is not host:port". Port 0 is allowed only if `allow_port_zero`
/// (listening on any free port; dialing port 0 makes no sense).
HostPort parse_host_port(std::string_view address, std::string_view what, bool allow_port_zero);

}  // namespace baton::net
