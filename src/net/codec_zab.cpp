// Wire codec of the ZAB election messages (core/messages_zab.hpp).
#include "net/codec_detail.hpp"

namespace baton::net::detail {
namespace {

// No `default:`: a new PeerState fails to compile here (-Wswitch) until it has a wire value.
wire::ZabPeerState to_wire_state(zab::PeerState state) {
  switch (state) {
    case zab::PeerState::Looking:
      return wire::ZAB_PEER_STATE_LOOKING;
    case zab::PeerState::Following:
      return wire::ZAB_PEER_STATE_FOLLOWING;
    case zab::PeerState::Leading:
      return wire::ZAB_PEER_STATE_LEADING;
  }
  return wire::ZAB_PEER_STATE_UNSPECIFIED;  // unreachable for a valid enum value
}

// proto3 enums are open: a peer may send any int32, so the value is checked, not trusted.
zab::PeerState from_wire_state(FieldCheck& check, int value) {
  switch (value) {
    case wire::ZAB_PEER_STATE_LOOKING:
      return zab::PeerState::Looking;
    case wire::ZAB_PEER_STATE_FOLLOWING:
      return zab::PeerState::Following;
    case wire::ZAB_PEER_STATE_LEADING:
      return zab::PeerState::Leading;
    case wire::ZAB_PEER_STATE_UNSPECIFIED:
      check.fail("state", {}, "unspecified");
      break;
    default:
      check.fail("state", {}, std::to_string(value) + " is not a peer state");
      break;
  }
  return zab::PeerState::Looking;
}

}  // namespace

void to_wire(const zab::Notification& m, wire::Envelope& out) {
  auto& w = *out.mutable_zab_notification();
  auto& vote = *w.mutable_vote();
  vote.set_epoch(m.vote.epoch);
  vote.set_zxid(m.vote.zxid);
  vote.set_leader(m.vote.leader);
  w.set_election_round(m.election_round);
  w.set_state(to_wire_state(m.state));
}

void to_wire(const zab::FollowerInfo& m, wire::Envelope& out) {
  out.mutable_zab_follower_info()->set_accepted_epoch(m.accepted_epoch);
}
void to_wire(const zab::NewEpoch& m, wire::Envelope& out) {
  out.mutable_zab_new_epoch()->set_epoch(m.epoch);
}
void to_wire(const zab::AckEpoch& m, wire::Envelope& out) {
  out.mutable_zab_ack_epoch()->set_epoch(m.epoch);
}
void to_wire(const zab::Ping& m, wire::Envelope& out) {
  out.mutable_zab_ping()->set_epoch(m.epoch);
}
void to_wire(const zab::PingAck& m, wire::Envelope& out) {
  out.mutable_zab_ping_ack()->set_epoch(m.epoch);
}

Decoded<Message> from_wire(const wire::ZabNotification& w) {
  FieldCheck check("zab_notification");
  const auto& vote = w.vote();
  return check.finish(zab::Notification{
      .vote = {.epoch = vote.epoch(),
               .zxid = vote.zxid(),
               .leader = check.node(vote.leader(), "leader", "vote")},
      .election_round = w.election_round(),
      .state = from_wire_state(check, w.state()),
  });
}

Decoded<Message> from_wire(const wire::ZabFollowerInfo& w) {
  return {zab::FollowerInfo{.accepted_epoch = w.accepted_epoch()}, {}};
}
Decoded<Message> from_wire(const wire::ZabNewEpoch& w) {
  return {zab::NewEpoch{.epoch = w.epoch()}, {}};
}
Decoded<Message> from_wire(const wire::ZabAckEpoch& w) {
  return {zab::AckEpoch{.epoch = w.epoch()}, {}};
}
Decoded<Message> from_wire(const wire::ZabPing& w) {
  return {zab::Ping{.epoch = w.epoch()}, {}};
}
Decoded<Message> from_wire(const wire::ZabPingAck& w) {
  return {zab::PingAck{.epoch = w.epoch()}, {}};
}

}  // namespace baton::net::detail
