// Ballots as fence tokens and as durable hard state.
#pragma once

#include <cstdint>

#include "core/messages_paxos.hpp"
#include "core/owned_epoch.hpp"
#include "core/types.hpp"

namespace baton::paxos {

/// Node ids must fit the low 16 bits of a token: a ballot's token has the layout of an owned epoch.
inline constexpr NodeId kMaxNodeId = kMaxEpochOwner;

/// round << 16 | node: ballot order is token order, so a newer leadership always carries a larger
/// fence token (messages_paxos.hpp).
constexpr FenceToken token_of(Ballot ballot) {
  return (ballot.round << 16) | static_cast<FenceToken>(ballot.node);
}

constexpr Ballot ballot_of_token(FenceToken token) {
  return Ballot{token >> 16, static_cast<NodeId>(token & kMaxNodeId)};
}

/// What an acceptor must not forget in a crash (Lamport, "Paxos Made Simple", 2001, section 2.3:
/// "an acceptor must remember this information even if it fails and then restarts").
struct AcceptorState {
  Ballot promised;  ///< highest ballot promised in phase 1 (or accepted in phase 2)
  /// Last ballot accepted. Its value, the leader, is always accepted.node: in leader election a
  /// node only ever proposes itself, so the value needs no storage of its own.
  Ballot accepted;
  friend bool operator==(const AcceptorState&, const AcceptorState&) = default;
};

/// The shared HardState format: term = promised round, voted_for = promised node,
/// epoch = token_of(accepted).
constexpr HardState encode(const AcceptorState& s) {
  return HardState{s.promised.round, s.promised.node, token_of(s.accepted)};
}

constexpr AcceptorState decode(const HardState& h) {
  return AcceptorState{Ballot{h.term, h.voted_for}, ballot_of_token(h.epoch)};
}

}  // namespace baton::paxos
