#include "net/frame.hpp"

#include <cassert>

namespace baton::net {

void append_frame(std::string& out, std::string_view payload) {
  assert(payload.size() <= 0xFFFFFFFFu);
  const auto n = static_cast<std::uint32_t>(payload.size());
  out.push_back(static_cast<char>((n >> 24) & 0xFF));
  out.push_back(static_cast<char>((n >> 16) & 0xFF));
  out.push_back(static_cast<char>((n >> 8) & 0xFF));
  out.push_back(static_cast<char>(n & 0xFF));
  out.append(payload);
}

void FrameDecoder::feed(std::string_view bytes) {
  if (error_) return;
  // Compact lazily so a long-lived connection does not grow its buffer without bound.
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::optional<std::string> FrameDecoder::next() {
  if (error_) return std::nullopt;
  const std::size_t available = buffer_.size() - consumed_;
  if (available < kFrameHeaderBytes) return std::nullopt;
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + consumed_);
  const std::uint64_t length = (std::uint64_t{p[0]} << 24) | (std::uint64_t{p[1]} << 16) |
                               (std::uint64_t{p[2]} << 8) | std::uint64_t{p[3]};
  if (length == 0) {
    error_ = "frame length 0";
    return std::nullopt;
  }
  if (length > max_payload_bytes_) {
    error_ =
        "frame length " + std::to_string(length) + " exceeds " + std::to_string(max_payload_bytes_);
    return std::nullopt;
  }
  if (available < kFrameHeaderBytes + length) return std::nullopt;
  std::string payload = buffer_.substr(consumed_ + kFrameHeaderBytes, length);
  consumed_ += kFrameHeaderBytes + length;
  return payload;
}

}  // namespace baton::net
