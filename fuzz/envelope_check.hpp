// The property both codec fuzzers check on every payload: decoding never crashes, and whatever
// decodes survives encode and decode again unchanged (so the codec cannot accept a message it
// would send differently, and every error comes with a reason).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/codec.hpp"
#include "net/message_fields.hpp"

namespace baton::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "envelope check failed: %s: %.*s\n", what, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

inline void check_envelope(std::string_view payload) {
  const net::Decoded<Envelope> first = net::decode_envelope(payload);
  if (!first) {
    if (first.error.empty()) fail("rejected without a reason", {});
    return;
  }
  if (!first.error.empty()) fail("accepted with an error", first.error);
  const std::string bytes = net::encode_envelope(*first.value);
  const net::Decoded<Envelope> second = net::decode_envelope(bytes);
  if (!second) fail("re-encoded envelope does not decode", second.error);
  if (!testing::same_envelope(*first.value, *second.value)) {
    fail("round trip changed the envelope", message_name(first.value->message));
  }
  if (net::encode_envelope(*second.value) != bytes) fail("encoding is not stable", {});
}

}  // namespace baton::fuzz
