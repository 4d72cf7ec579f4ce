// The versioned wire format of election messages (protobuf, src/net/wire.proto). Decoding never
// trusts its input: anything malformed comes back as an error string naming what was wrong, and the
// caller drops and counts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/message.hpp"

namespace baton::net {

/// Bumped on an incompatible change of wire.proto or handshake.proto. A peer speaking another
/// version is refused at the handshake with a message naming both versions.
inline constexpr std::uint32_t kWireVersion = 1;

/// Payload of one election message frame (from/to travel in it too, checked by the receiver).
/// A payload shorter than `min_payload_bytes` is padded up to at least that size with a field the
/// decoder ignores (wake_padding): a frame of kWakeFrameBytes wakes a receiver deferring its input.
std::string encode_envelope(const Envelope& envelope, std::size_t min_payload_bytes = 0);

/// A decode result: the value, or an error naming what was wrong ("truncated protobuf",
/// "unknown message kind 77", "vote_request: term missing").
template <class T>
struct Decoded {
  std::optional<T> value;
  std::string error;
  explicit operator bool() const { return value.has_value(); }
};

Decoded<Envelope> decode_envelope(std::string_view payload);

}  // namespace baton::net
