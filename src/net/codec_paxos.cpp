// Wire codec of the Paxos election messages (core/messages_paxos.hpp).
#include "net/codec_detail.hpp"

namespace baton::net::detail {
namespace {

void set_ballot(wire::PaxosBallot& w, const paxos::Ballot& b) {
  w.set_round(b.round);
  w.set_node(b.node);
}

// An absent ballot reads as the default one (round 0, no node), as proto3 does for every field.
paxos::Ballot ballot(FieldCheck& check, const wire::PaxosBallot& w, std::string_view field) {
  return {.round = w.round(), .node = check.node(w.node(), "node", field)};
}

}  // namespace

void to_wire(const paxos::Prepare& m, wire::Envelope& out) {
  set_ballot(*out.mutable_paxos_prepare()->mutable_ballot(), m.ballot);
}

void to_wire(const paxos::Promise& m, wire::Envelope& out) {
  auto& w = *out.mutable_paxos_promise();
  set_ballot(*w.mutable_ballot(), m.ballot);
  w.set_granted(m.granted);
  set_ballot(*w.mutable_promised(), m.promised);
  set_ballot(*w.mutable_accepted(), m.accepted);
  w.set_accepted_leader(m.accepted_leader);
}

void to_wire(const paxos::Accept& m, wire::Envelope& out) {
  auto& w = *out.mutable_paxos_accept();
  set_ballot(*w.mutable_ballot(), m.ballot);
  w.set_leader(m.leader);
}

void to_wire(const paxos::Accepted& m, wire::Envelope& out) {
  auto& w = *out.mutable_paxos_accepted();
  set_ballot(*w.mutable_ballot(), m.ballot);
  w.set_granted(m.granted);
  set_ballot(*w.mutable_promised(), m.promised);
}

void to_wire(const paxos::LeaseRenew& m, wire::Envelope& out) {
  auto& w = *out.mutable_paxos_lease_renew();
  set_ballot(*w.mutable_ballot(), m.ballot);
  w.set_round(m.round);
}

void to_wire(const paxos::LeaseAck& m, wire::Envelope& out) {
  auto& w = *out.mutable_paxos_lease_ack();
  set_ballot(*w.mutable_ballot(), m.ballot);
  w.set_round(m.round);
  w.set_granted(m.granted);
}

Decoded<Message> from_wire(const wire::PaxosPrepare& w) {
  FieldCheck check("paxos_prepare");
  return check.finish(paxos::Prepare{.ballot = ballot(check, w.ballot(), "ballot")});
}

Decoded<Message> from_wire(const wire::PaxosPromise& w) {
  FieldCheck check("paxos_promise");
  return check.finish(
      paxos::Promise{.ballot = ballot(check, w.ballot(), "ballot"),
                     .granted = w.granted(),
                     .promised = ballot(check, w.promised(), "promised"),
                     .accepted = ballot(check, w.accepted(), "accepted"),
                     .accepted_leader = check.node(w.accepted_leader(), "accepted_leader")});
}

Decoded<Message> from_wire(const wire::PaxosAccept& w) {
  FieldCheck check("paxos_accept");
  return check.finish(paxos::Accept{.ballot = ballot(check, w.ballot(), "ballot"),
                                    .leader = check.node(w.leader(), "leader")});
}

Decoded<Message> from_wire(const wire::PaxosAccepted& w) {
  FieldCheck check("paxos_accepted");
  return check.finish(paxos::Accepted{.ballot = ballot(check, w.ballot(), "ballot"),
                                      .granted = w.granted(),
                                      .promised = ballot(check, w.promised(), "promised")});
}

Decoded<Message> from_wire(const wire::PaxosLeaseRenew& w) {
  FieldCheck check("paxos_lease_renew");
  return check.finish(
      paxos::LeaseRenew{.ballot = ballot(check, w.ballot(), "ballot"), .round = w.round()});
}

Decoded<Message> from_wire(const wire::PaxosLeaseAck& w) {
  FieldCheck check("paxos_lease_ack");
  return check.finish(paxos::LeaseAck{
      .ballot = ballot(check, w.ballot(), "ballot"), .round = w.round(), .granted = w.granted()});
}

}  // namespace baton::net::detail
