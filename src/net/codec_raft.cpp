// Wire codec of the Raft messages (core/messages_raft.hpp).
#include "net/codec_detail.hpp"

namespace baton::net::detail {

void to_wire(const raft::VoteRequest& m, wire::Envelope& out) {
  auto& w = *out.mutable_vote_request();
  w.set_term(m.term);
  w.set_pre_vote(m.pre_vote);
  w.set_last_log_index(m.last_log_index);
  w.set_last_log_term(m.last_log_term);
  w.set_leadership_transfer(m.leadership_transfer);
}

void to_wire(const raft::VoteResponse& m, wire::Envelope& out) {
  auto& w = *out.mutable_vote_response();
  w.set_term(m.term);
  w.set_pre_vote(m.pre_vote);
  w.set_granted(m.granted);
}

void to_wire(const raft::Heartbeat& m, wire::Envelope& out) {
  auto& w = *out.mutable_heartbeat();
  w.set_term(m.term);
  w.set_round(m.round);
}

void to_wire(const raft::HeartbeatResponse& m, wire::Envelope& out) {
  auto& w = *out.mutable_heartbeat_response();
  w.set_term(m.term);
  w.set_round(m.round);
  w.set_accepted(m.accepted);
}

void to_wire(const raft::TimeoutNow& m, wire::Envelope& out) {
  out.mutable_timeout_now()->set_term(m.term);
}

// Every Raft field is a uint64 or a bool on both sides, so nothing can be out of range.

Decoded<Message> from_wire(const wire::RaftVoteRequest& w) {
  return {raft::VoteRequest{.term = w.term(),
                            .pre_vote = w.pre_vote(),
                            .last_log_index = w.last_log_index(),
                            .last_log_term = w.last_log_term(),
                            .leadership_transfer = w.leadership_transfer()},
          {}};
}

Decoded<Message> from_wire(const wire::RaftVoteResponse& w) {
  return {raft::VoteResponse{.term = w.term(), .pre_vote = w.pre_vote(), .granted = w.granted()},
          {}};
}

Decoded<Message> from_wire(const wire::RaftHeartbeat& w) {
  return {raft::Heartbeat{.term = w.term(), .round = w.round()}, {}};
}

Decoded<Message> from_wire(const wire::RaftHeartbeatResponse& w) {
  return {raft::HeartbeatResponse{.term = w.term(), .round = w.round(), .accepted = w.accepted()},
          {}};
}

Decoded<Message> from_wire(const wire::RaftTimeoutNow& w) {
  return {raft::TimeoutNow{.term = w.term()}, {}};
}

}  // namespace baton::net::detail
