// The envelope half of the wire codec: from/to, the choice of message kind, and the dispatch to the
// per-family files (codec_<family>.cpp) through the overloads declared in codec_detail.hpp.
#include "net/codec.hpp"

#include <climits>
#include <limits>
#include <string>
#include <utility>
#include <variant>

#include "net/codec_detail.hpp"
#include "wire.pb.h"

namespace baton::net {
namespace detail {

void FieldCheck::fail(std::string_view field, std::string_view parent, std::string_view problem) {
  if (!error_.empty()) return;
  error_.append(kind_).append(": ");
  if (!parent.empty()) error_.append(parent).append(".");
  error_.append(field).append(" ").append(problem);
}

Decoded<Message> FieldCheck::finish(Message message) const {
  if (!error_.empty()) return {std::nullopt, error_};
  return {std::move(message), {}};
}

}  // namespace detail

namespace {

using detail::from_wire;
using detail::to_wire;

// A new alternative of Message needs a message and a oneof case in wire.proto, to_wire/from_wire in
// codec_<family>.cpp and a case in decode_kind() below; the visit in encode_envelope and the
// -Wswitch on decode_kind() then check the pairing. This count is the reminder.
static_assert(std::variant_size_v<Message> == 40,
              "a new Message kind needs a wire.proto message, to_wire/from_wire and a decode case");

// No `default:`, so that -Wswitch (an error under -Werror) flags a oneof case without a decoder.
Decoded<Message> decode_kind(const wire::Envelope& e) {
  using K = wire::Envelope::KindCase;
  switch (e.kind_case()) {
    case K::kVoteRequest:
      return from_wire(e.vote_request());
    case K::kVoteResponse:
      return from_wire(e.vote_response());
    case K::kHeartbeat:
      return from_wire(e.heartbeat());
    case K::kHeartbeatResponse:
      return from_wire(e.heartbeat_response());
    case K::kTimeoutNow:
      return from_wire(e.timeout_now());
    case K::kBullyElection:
      return from_wire(e.bully_election());
    case K::kBullyAnswer:
      return from_wire(e.bully_answer());
    case K::kBullyCoordinator:
      return from_wire(e.bully_coordinator());
    case K::kBullyAlive:
      return from_wire(e.bully_alive());
    case K::kRingElection:
      return from_wire(e.ring_election());
    case K::kRingElected:
      return from_wire(e.ring_elected());
    case K::kRingAck:
      return from_wire(e.ring_ack());
    case K::kRingAlive:
      return from_wire(e.ring_alive());
    case K::kPaxosPrepare:
      return from_wire(e.paxos_prepare());
    case K::kPaxosPromise:
      return from_wire(e.paxos_promise());
    case K::kPaxosAccept:
      return from_wire(e.paxos_accept());
    case K::kPaxosAccepted:
      return from_wire(e.paxos_accepted());
    case K::kPaxosLeaseRenew:
      return from_wire(e.paxos_lease_renew());
    case K::kPaxosLeaseAck:
      return from_wire(e.paxos_lease_ack());
    case K::kZabNotification:
      return from_wire(e.zab_notification());
    case K::kZabFollowerInfo:
      return from_wire(e.zab_follower_info());
    case K::kZabNewEpoch:
      return from_wire(e.zab_new_epoch());
    case K::kZabAckEpoch:
      return from_wire(e.zab_ack_epoch());
    case K::kZabPing:
      return from_wire(e.zab_ping());
    case K::kZabPingAck:
      return from_wire(e.zab_ping_ack());
    case K::kStoreLeaseGrant:
      return from_wire(e.store_lease_grant());
    case K::kStoreLeaseGrantResult:
      return from_wire(e.store_lease_grant_result());
    case K::kStoreLeaseKeepalive:
      return from_wire(e.store_lease_keepalive());
    case K::kStoreLeaseKeepaliveResult:
      return from_wire(e.store_lease_keepalive_result());
    case K::kStoreLeaseRevoke:
      return from_wire(e.store_lease_revoke());
    case K::kStorePut:
      return from_wire(e.store_put());
    case K::kStorePutResult:
      return from_wire(e.store_put_result());
    case K::kStoreGet:
      return from_wire(e.store_get());
    case K::kStoreGetResult:
      return from_wire(e.store_get_result());
    case K::kStoreCreate:
      return from_wire(e.store_create());
    case K::kStoreCreateResult:
      return from_wire(e.store_create_result());
    case K::kStorePredecessor:
      return from_wire(e.store_predecessor());
    case K::kStorePredecessorResult:
      return from_wire(e.store_predecessor_result());
    case K::kStoreWatch:
      return from_wire(e.store_watch());
    case K::kStoreWatchEvent:
      return from_wire(e.store_watch_event());
    case K::KIND_NOT_SET:
      break;
  }
  // A newer peer's message kind arrives as an unknown field of the envelope; naming its number
  // tells an operator which side of a rolling upgrade is talking.
  const auto& unknown = e.GetReflection()->GetUnknownFields(e);
  for (int i = 0; i < unknown.field_count(); ++i) {
    if (unknown.field(i).type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      return {std::nullopt, "unknown message kind " + std::to_string(unknown.field(i).number())};
    }
  }
  return {std::nullopt, "no message kind set"};
}

std::string check_node(std::uint64_t id, std::string_view field) {
  if (id == kNoNode) return std::string(field) + " is 0 (no node)";
  if (id > std::numeric_limits<NodeId>::max()) {
    return std::string(field) + " " + std::to_string(id) + " out of range (max " +
           std::to_string(std::numeric_limits<NodeId>::max()) + ")";
  }
  return {};
}

}  // namespace

std::string encode_envelope(const Envelope& envelope, std::size_t min_payload_bytes) {
  wire::Envelope out;
  out.set_from(envelope.from);
  out.set_to(envelope.to);
  std::visit([&out](const auto& message) { to_wire(message, out); }, envelope.message);
  const std::size_t size = out.ByteSizeLong();
  if (size >= min_payload_bytes) return out.SerializeAsString();
  // The field costs a one-byte tag and a length of one byte (two from 128 on), so this reaches
  // the minimum exactly, or one or two bytes past it (a two-byte length; proto3 does not write
  // an empty field, so the padding is at least one byte).
  const std::size_t missing = min_payload_bytes - size;
  out.set_wake_padding(std::string(missing > 3 ? missing - 2 : 1, '\0'));
  return out.SerializeAsString();
}

Decoded<Envelope> decode_envelope(std::string_view payload) {
  wire::Envelope in;
  // ParseFromArray takes an int size; frames are capped far below that (frame.hpp), but this
  // function does not rely on its caller.
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) {
    return {std::nullopt, "payload of " + std::to_string(payload.size()) + " bytes is too large"};
  }
  if (!in.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return {std::nullopt,
            "unparsable protobuf envelope (" + std::to_string(payload.size()) + " bytes)"};
  }
  Decoded<Message> message = decode_kind(in);
  if (!message) return {std::nullopt, std::move(message.error)};
  for (const auto& [id, field] : {std::pair{in.from(), "from"}, std::pair{in.to(), "to"}}) {
    if (std::string error = check_node(id, field); !error.empty()) return {std::nullopt, error};
  }
  return {Envelope{static_cast<NodeId>(in.from()), static_cast<NodeId>(in.to()),
                   std::move(*message.value)},
          {}};
}

}  // namespace baton::net
