// The roles of a Paxos leader elector, each owning the data only it needs (the ScyllaDB fsm style
// of the Raft and Bully cores): leaving a role drops its tally, lease and timer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <variant>

#include "core/messages_paxos.hpp"
#include "core/raft/lease_tracker.hpp"
#include "core/raft/quorum.hpp"
#include "core/types.hpp"

namespace baton::paxos {

/// Waits. `leader` is the node whose ballot this acceptor last acknowledged while it keeps
/// renewing (kNoNode when none). Reaching `deadline_tick` (a leader timeout, or a backoff wait
/// after a failed ballot) starts a proposal.
struct Follower {
  NodeId leader = kNoNode;
  Ballot leader_ballot;
  std::uint64_t deadline_tick = 0;
};

/// Phase 1: sent Prepare(ballot) and counts Promises. The proposer's own promise is counted from
/// the start but taken (written into its acceptor) only when a majority is reached, so a ballot
/// that fails leaves the acceptor as it was (see PaxosElector). `deadline_tick`: phase timeout.
struct Preparing {
  Preparing(Ballot b, std::size_t members, std::uint64_t deadline)
      : ballot(b), tally(members), deadline_tick(deadline) {}
  Ballot ballot;
  raft::VoteTally tally;
  std::uint64_t deadline_tick;
};

/// Phase 2: sent Accept(ballot, self) and counts Accepted. The lease tracker starts here: round 1
/// is the Accept round, so the lease runs from the tick the Accept was sent.
struct Accepting {
  Accepting(Ballot b, std::size_t members, raft::LeaseTracker tracker, std::uint64_t deadline)
      : ballot(b), tally(members), lease(std::move(tracker)), deadline_tick(deadline) {}
  Ballot ballot;
  raft::VoteTally tally;
  raft::LeaseTracker lease;
  std::uint64_t deadline_tick;
};

/// Leads with `ballot` (its fence token is token_of(ballot)); renews the lease every heartbeat and
/// steps down when it lapses.
struct Leader {
  Ballot ballot;
  raft::LeaseTracker lease;
  std::uint32_t heartbeat_elapsed_ticks = 0;
};

using RoleState = std::variant<Follower, Preparing, Accepting, Leader>;

}  // namespace baton::paxos
