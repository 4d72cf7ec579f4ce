#include "core/message.hpp"

#include <array>

namespace baton {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Clang before 17 has no class template argument deduction for aggregates (P1816).
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Names in the order of the Message variant, then the two pre-vote slots.
constexpr std::array<std::string_view, kMessageCounterSlots> kSlotNames = {
    "vote_request",
    "vote_response",
    "heartbeat",
    "heartbeat_response",
    "timeout_now",
    "bully_election",
    "bully_answer",
    "bully_coordinator",
    "bully_alive",
    "ring_election",
    "ring_elected",
    "ring_ack",
    "ring_alive",
    "paxos_prepare",
    "paxos_promise",
    "paxos_accept",
    "paxos_accepted",
    "paxos_lease_renew",
    "paxos_lease_ack",
    "zab_notification",
    "zab_follower_info",
    "zab_new_epoch",
    "zab_ack_epoch",
    "zab_ping",
    "zab_ping_ack",
    "store_lease_grant",
    "store_lease_grant_result",
    "store_lease_keepalive",
    "store_lease_keepalive_result",
    "store_lease_revoke",
    "store_put",
    "store_put_result",
    "store_get",
    "store_get_result",
    "store_create",
    "store_create_result",
    "store_predecessor",
    "store_predecessor_result",
    "store_watch",
    "store_watch_event",
    "pre_vote_request",
    "pre_vote_response",
};
static_assert(kSlotNames.size() == kMessageKinds + 2, "name every message kind");

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::Follower:
      return "follower";
    case Role::PreCandidate:
      return "pre-candidate";
    case Role::Candidate:
      return "candidate";
    case Role::Leader:
      return "leader";
  }
  return "unknown";
}

std::size_t message_counter_slot(const Message& message) {
  // One slot per kind, except that pre-votes are counted apart from real votes.
  if (const auto* m = std::get_if<raft::VoteRequest>(&message); m && m->pre_vote) {
    return kPreVoteRequestSlot;
  }
  if (const auto* m = std::get_if<raft::VoteResponse>(&message); m && m->pre_vote) {
    return kPreVoteResponseSlot;
  }
  return message.index();
}

std::string_view message_counter_name(std::size_t slot) {
  return slot < kSlotNames.size() ? kSlotNames[slot] : "unknown";
}

std::string_view message_name(const Message& message) {
  return message_counter_name(message_counter_slot(message));
}

Term message_term(const Message& message) {
  return std::visit(
      [](const auto& m) -> Term {
        if constexpr (requires { m.term; }) {
          return m.term;
        } else if constexpr (requires { m.epoch; }) {
          return m.epoch;
        } else if constexpr (requires { m.vote.epoch; }) {
          return m.vote.epoch;  // ZAB notifications carry the proposed leader's epoch
        } else if constexpr (requires { m.ballot.round; }) {
          return m.ballot.round << 16 | m.ballot.node;  // Paxos: the ballot's fence token
        } else {
          return 0;
        }
      },
      message);
}

bool is_election_message(const Message& message) {
  return std::visit(
      Overloaded{
          [](const raft::VoteRequest&) { return true; },
          [](const raft::VoteResponse&) { return true; },
          [](const raft::Heartbeat&) { return false; },
          [](const raft::HeartbeatResponse&) { return false; },
          [](const raft::TimeoutNow&) { return true; },
          [](const bully::Election&) { return true; },
          [](const bully::Answer&) { return true; },
          [](const bully::Coordinator&) { return true; },
          [](const bully::Alive&) { return false; },
          [](const ring::Election&) { return true; },
          [](const ring::Elected&) { return true; },
          [](const ring::Ack&) { return true; },
          [](const ring::Alive&) { return false; },
          [](const paxos::Prepare&) { return true; },
          [](const paxos::Promise&) { return true; },
          [](const paxos::Accept&) { return true; },
          [](const paxos::Accepted&) { return true; },
          [](const paxos::LeaseRenew&) { return false; },
          [](const paxos::LeaseAck&) { return false; },
          [](const zab::Notification&) { return true; },
          [](const zab::FollowerInfo&) { return true; },
          [](const zab::NewEpoch&) { return true; },
          [](const zab::AckEpoch&) { return true; },
          [](const zab::Ping&) { return false; },
          [](const zab::PingAck&) { return false; },
          // Store traffic: acquiring counts as electing. Keeping a session alive, and the periodic
          // re-read and watch re-arm of a waiting candidate, are the store recipes' heartbeats.
          [](const store::LeaseGrant&) { return true; },
          [](const store::LeaseGrantResult&) { return true; },
          [](const store::LeaseKeepAlive&) { return false; },
          [](const store::LeaseKeepAliveResult&) { return false; },
          [](const store::LeaseRevoke&) { return false; },
          [](const store::Put&) { return true; },
          [](const store::PutResult&) { return true; },
          [](const store::Get&) { return false; },
          [](const store::GetResult&) { return false; },
          [](const store::Create&) { return true; },
          [](const store::CreateResult&) { return true; },
          [](const store::Predecessor&) { return true; },
          [](const store::PredecessorResult&) { return true; },
          [](const store::Watch&) { return false; },
          [](const store::WatchEvent&) { return true; },
      },
      message);
}

}  // namespace baton
