// Length-prefixed framing of a TCP byte stream: every frame is a 4-byte big-endian payload length
// followed by the payload. The decoder never trusts the length: a zero or oversized length is an
// error that ends the connection (the stream cannot be re-synchronised), never an allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace baton::net {

/// Largest payload a peer may send. Election messages are tens of bytes; 64 KiB leaves room for
/// growth and caps what one bad length can make us buffer.
inline constexpr std::size_t kMaxFramePayloadBytes = 64 * 1024;
inline constexpr std::size_t kFrameHeaderBytes = 4;
/// A receiver that defers its input leaves frames in the kernel until this many bytes wait (its
/// socket's receive low-water mark). Routine traffic (heartbeats and their answers) stays far
/// below it between two reads; a message that must not wait is padded to it by its sender
/// (encode_envelope's `min_payload_bytes`), so it wakes the receiver as it arrives.
inline constexpr std::size_t kWakeFrameBytes = 256;

/// Appends one frame (header + payload) to `out`. Payloads above the limit are a programming error.
void append_frame(std::string& out, std::string_view payload);

/// Incremental decoder for one connection.
class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_payload_bytes = kMaxFramePayloadBytes)
      : max_payload_bytes_(max_payload_bytes) {}

  /// Adds bytes read from the socket. After an error further input is ignored.
  void feed(std::string_view bytes);
  /// The next complete payload, or nullopt if more bytes are needed or the stream is broken.
  std::optional<std::string> next();
  /// Set once the stream is broken ("frame length 0", "frame length 9999999 exceeds 65536");
  /// the connection must be closed.
  const std::optional<std::string>& error() const { return error_; }
  /// Bytes received but not yet returned as a frame (a truncated frame at close shows here).
  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  std::size_t max_payload_bytes_;
  std::string buffer_;
  std::size_t consumed_ = 0;
  std::optional<std::string> error_;
};

}  // namespace baton::net
