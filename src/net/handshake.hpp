// The connection handshake (protobuf, src/net/handshake.proto): the first frame on every
// connection says who dials whom, in which cluster, with which wire version.
#pragma once

#include <string>
#include <string_view>

#include "net/codec.hpp"

namespace baton::net {

/// First frame on every connection, from the dialing node.
struct Hello {
  std::uint32_t wire_version = kWireVersion;
  std::string cluster_id;
  NodeId from = kNoNode;  ///< the dialing node
  NodeId to = kNoNode;    ///< the node it believes it dialed
  /// The dialing node reads frames on this connection too (see TcpTransport).
  bool share_connection = false;
};

/// The accepting node's answer: accepted, or refused with a reason (then the connection closes).
struct HelloReply {
  bool accepted = false;
  std::string reason;  ///< e.g. "cluster id 'prod' does not match 'test'"
  /// The accepting node sends on this connection too: the pair shares it both ways.
  bool share_connection = false;
};

std::string encode_hello(const Hello& hello);
std::string encode_hello_reply(const HelloReply& reply);
Decoded<Hello> decode_hello(std::string_view payload);
Decoded<HelloReply> decode_hello_reply(std::string_view payload);

}  // namespace baton::net
