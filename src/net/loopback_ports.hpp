// Ports for processes started later: a local cluster, or a test's nodes, must name every node's
// port before any of them listens, so they cannot simply bind port 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace baton::net {

/// `count` distinct TCP ports on 127.0.0.1 that are free now and stay unlikely to be handed out
/// by the kernel for about a minute. Each port is left with one connection in TIME_WAIT: the
/// kernel's own port choice (bind to port 0, connect) skips such a port, while a listener that
/// sets SO_REUSEADDR (the transport and the HTTP API do) binds it. Picking a port and closing it
/// is not enough: two picks in a row can return the same number (seen in CI), and any other
/// process may get it before the node listens. Throws std::runtime_error when no port is free.
std::vector<std::uint16_t> reserve_loopback_ports(std::size_t count);

}  // namespace baton::net
