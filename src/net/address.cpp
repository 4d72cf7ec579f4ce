#include "net/address.hpp"

#include <charconv>
#include <stdexcept>

namespace baton::net {

HostPort parse_host_port(std::string_view address, std::string_view what, bool allow_port_zero) {
  const auto fail = [&](std::string_view problem) {
    throw std::invalid_argument(std::string(what) + " address '" + std::string(address) + "' " +
                                std::string(problem));
  };
  const std::size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) {
    fail("is not host:port");
  }
  std::string_view host = address.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') fail("is not host:port");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    fail("is not host:port (write an IPv6 host in brackets: [::1]:7000)");
  }
  const std::string_view port_text = address.substr(colon + 1);
  unsigned long port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    fail("has no valid port (0-65535)");
  }
  if (port == 0 && !allow_port_zero) fail("has port 0");
  return HostPort{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace baton::net
