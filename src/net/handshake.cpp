#include "net/handshake.hpp"

#include "handshake.pb.h"

namespace baton::net {
namespace {

template <class T>
Decoded<T> failure(std::string error) {
  Decoded<T> decoded;
  decoded.error = std::move(error);
  return decoded;
}

}  // namespace

std::string encode_hello(const Hello& hello) {
  wire::handshake::Hello message;
  message.set_wire_version(hello.wire_version);
  message.set_cluster_id(hello.cluster_id);
  message.set_from(hello.from);
  message.set_to(hello.to);
  message.set_share_connection(hello.share_connection);
  return message.SerializeAsString();
}

std::string encode_hello_reply(const HelloReply& reply) {
  wire::handshake::HelloReply message;
  message.set_accepted(reply.accepted);
  message.set_reason(reply.reason);
  message.set_share_connection(reply.share_connection);
  return message.SerializeAsString();
}

Decoded<Hello> decode_hello(std::string_view payload) {
  wire::handshake::Hello message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return failure<Hello>("hello: unparsable protobuf");
  }
  // Proto3 cannot tell a missing field from a zero one, so zero ids and an empty cluster id are
  // what a stray or truncated message looks like: refuse them here, before anyone trusts them.
  if (message.from() == kNoNode) return failure<Hello>("hello: from is 0");
  if (message.to() == kNoNode) return failure<Hello>("hello: to is 0");
  if (message.cluster_id().empty()) return failure<Hello>("hello: cluster id is empty");
  Decoded<Hello> decoded;
  decoded.value = Hello{.wire_version = message.wire_version(),
                        .cluster_id = message.cluster_id(),
                        .from = message.from(),
                        .to = message.to(),
                        .share_connection = message.share_connection()};
  return decoded;
}

Decoded<HelloReply> decode_hello_reply(std::string_view payload) {
  wire::handshake::HelloReply message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return failure<HelloReply>("hello reply: unparsable protobuf");
  }
  Decoded<HelloReply> decoded;
  decoded.value = HelloReply{.accepted = message.accepted(),
                             .reason = message.reason(),
                             .share_connection = message.share_connection()};
  // A refusal must say why; an empty reason would leave the operator guessing.
  if (!decoded.value->accepted && decoded.value->reason.empty()) {
    decoded.value->reason = "refused without a reason";
  }
  return decoded;
}

}  // namespace baton::net
