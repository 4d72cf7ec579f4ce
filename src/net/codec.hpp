// The versioned wire format (protobuf, src/net/wire.proto): election messages and the connection
// handshake. Decoding never trusts its input: anything malformed comes back as an error string
// naming what was wrong, and the caller drops and counts it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/message.hpp"

namespace baton::net {

/// Bumped on an incompatible change of wire.proto. A peer speaking another version is refused at
/// the handshake with a message naming both versions.
inline constexpr std::uint32_t kWireVersion = 1;

/// First frame on every connection, from the dialing node.
struct Hello {
  std::uint32_t wire_version = kWireVersion;
  std::string cluster_id;
  NodeId from = kNoNode;  ///< the dialing node
  NodeId to = kNoNode;    ///< the node it believes it dialed
};

/// The accepting node's answer: accepted, or refused with a reason (then the connection closes).
struct HelloReply {
  bool accepted = false;
  std::string reason;  ///< e.g. "cluster id 'prod' does not match 'test'"
};

std::string encode_hello(const Hello& hello);
std::string encode_hello_reply(const HelloReply& reply);
/// Payload of one election message frame (from/to travel in it too, checked by the receiver).
std::string encode_envelope(const Envelope& envelope);

/// A decode result: the value, or an error naming what was wrong ("truncated protobuf",
/// "unknown message kind 77", "vote_request: term missing").
template <class T>
struct Decoded {
  std::optional<T> value;
  std::string error;
  explicit operator bool() const { return value.has_value(); }
};

Decoded<Hello> decode_hello(std::string_view payload);
Decoded<HelloReply> decode_hello_reply(std::string_view payload);
Decoded<Envelope> decode_envelope(std::string_view payload);

}  // namespace baton::net
