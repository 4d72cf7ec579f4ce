// Wire codec of the Bully and Ring messages (core/messages_bully.hpp, core/messages_ring.hpp).
#include "net/codec_detail.hpp"

namespace baton::net::detail {

// --- Bully: one epoch each; uint64 on both sides, nothing to range-check -----------------------

void to_wire(const bully::Election& m, wire::Envelope& out) {
  out.mutable_bully_election()->set_epoch(m.epoch);
}
void to_wire(const bully::Answer& m, wire::Envelope& out) {
  out.mutable_bully_answer()->set_epoch(m.epoch);
}
void to_wire(const bully::Coordinator& m, wire::Envelope& out) {
  out.mutable_bully_coordinator()->set_epoch(m.epoch);
}
void to_wire(const bully::Alive& m, wire::Envelope& out) {
  out.mutable_bully_alive()->set_epoch(m.epoch);
}

Decoded<Message> from_wire(const wire::BullyElection& w) {
  return {bully::Election{.epoch = w.epoch()}, {}};
}
Decoded<Message> from_wire(const wire::BullyAnswer& w) {
  return {bully::Answer{.epoch = w.epoch()}, {}};
}
Decoded<Message> from_wire(const wire::BullyCoordinator& w) {
  return {bully::Coordinator{.epoch = w.epoch()}, {}};
}
Decoded<Message> from_wire(const wire::BullyAlive& w) {
  return {bully::Alive{.epoch = w.epoch()}, {}};
}

// --- Ring ---------------------------------------------------------------------------------------

void to_wire(const ring::Election& m, wire::Envelope& out) {
  auto& w = *out.mutable_ring_election();
  w.set_initiator(m.initiator);
  w.set_best(m.best);
  w.set_epoch(m.epoch);
  w.set_sequence(m.sequence);
}

void to_wire(const ring::Elected& m, wire::Envelope& out) {
  auto& w = *out.mutable_ring_elected();
  w.set_leader(m.leader);
  w.set_epoch(m.epoch);
  w.set_sequence(m.sequence);
}

void to_wire(const ring::Ack& m, wire::Envelope& out) {
  out.mutable_ring_ack()->set_sequence(m.sequence);
}

void to_wire(const ring::Alive& m, wire::Envelope& out) {
  auto& w = *out.mutable_ring_alive();
  w.set_leader(m.leader);
  w.set_epoch(m.epoch);
}

Decoded<Message> from_wire(const wire::RingElection& w) {
  FieldCheck check("ring_election");
  return check.finish(ring::Election{.initiator = check.node(w.initiator(), "initiator"),
                                     .best = check.node(w.best(), "best"),
                                     .epoch = w.epoch(),
                                     .sequence = w.sequence()});
}

Decoded<Message> from_wire(const wire::RingElected& w) {
  FieldCheck check("ring_elected");
  return check.finish(ring::Elected{
      .leader = check.node(w.leader(), "leader"), .epoch = w.epoch(), .sequence = w.sequence()});
}

Decoded<Message> from_wire(const wire::RingAck& w) {
  return {ring::Ack{.sequence = w.sequence()}, {}};
}

Decoded<Message> from_wire(const wire::RingAlive& w) {
  FieldCheck check("ring_alive");
  return check.finish(ring::Alive{.leader = check.node(w.leader(), "leader"), .epoch = w.epoch()});
}

}  // namespace baton::net::detail
