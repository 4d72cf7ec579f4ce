// The message variant every core speaks, and the envelope that carries one between nodes.
#pragma once

#include <cstddef>
#include <string_view>
#include <variant>

#include "core/messages_bully.hpp"
#include "core/messages_paxos.hpp"
#include "core/messages_raft.hpp"
#include "core/messages_ring.hpp"
#include "core/messages_store.hpp"
#include "core/messages_zab.hpp"
#include "core/types.hpp"

namespace baton {

/// Every message of every algorithm. A core visits only its own alternatives and ignores (and
/// counts) the rest; adding an algorithm adds its structs here.
using Message =
    std::variant<raft::VoteRequest, raft::VoteResponse, raft::Heartbeat, raft::HeartbeatResponse,
                 raft::TimeoutNow, bully::Election, bully::Answer, bully::Coordinator, bully::Alive,
                 ring::Election, ring::Elected, ring::Ack, ring::Alive, paxos::Prepare,
                 paxos::Promise, paxos::Accept, paxos::Accepted, paxos::LeaseRenew, paxos::LeaseAck,
                 zab::Notification, zab::FollowerInfo, zab::NewEpoch, zab::AckEpoch, zab::Ping,
                 zab::PingAck, store::LeaseGrant, store::LeaseGrantResult, store::LeaseKeepAlive,
                 store::LeaseKeepAliveResult, store::LeaseRevoke, store::Put, store::PutResult,
                 store::Get, store::GetResult, store::Create, store::CreateResult,
                 store::Predecessor, store::PredecessorResult, store::Watch, store::WatchEvent>;

inline constexpr std::size_t kMessageKinds = std::variant_size_v<Message>;

/// A message with its sender and receiver.
struct Envelope {
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  Message message;
};

/// A short stable name per message kind, e.g. "vote_request" or "pre_vote_request"; used in traces,
/// metrics and JSON. Pre-vote requests/responses get their own names.
std::string_view message_name(const Message& message);

/// Index of the message kind for counters: message.index(), except that pre-vote requests and
/// responses are counted apart from real votes. Range [0, kMessageCounterSlots).
std::size_t message_counter_slot(const Message& message);
inline constexpr std::size_t kMessageCounterSlots = kMessageKinds + 2;
inline constexpr std::size_t kPreVoteRequestSlot = kMessageKinds;
inline constexpr std::size_t kPreVoteResponseSlot = kMessageKinds + 1;
/// The counter slot of message kind M (real votes for the Raft vote messages).
template <class M>
constexpr std::size_t counter_slot_of() {
  return Message(M{}).index();
}
std::string_view message_counter_name(std::size_t slot);

/// The term or epoch a message carries (Raft's term, Bully's and Ring's election epoch), or 0 for
/// messages without one. For traces.
Term message_term(const Message& message);

/// True for messages that belong to electing a leader (vote and pre-vote traffic, TimeoutNow), as
/// opposed to keeping one (heartbeats). Used to count messages per election.
bool is_election_message(const Message& message);

}  // namespace baton
