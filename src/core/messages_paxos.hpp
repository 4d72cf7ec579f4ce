// The messages of Paxos-based leader election: a node proposes itself as leader with a ballot;
// phase 1 (prepare/promise) and phase 2 (accept/accepted) each need a majority; the leader keeps a
// lease renewed by heartbeats that a majority acknowledges.
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace baton::paxos {

/// A ballot orders proposals: higher round wins, ties broken by node id. Its fence token is
/// round << 16 | node, so tokens grow with ballots (ids must be < 65536).
struct Ballot {
  std::uint64_t round = 0;
  NodeId node = kNoNode;
  friend auto operator<=>(const Ballot&, const Ballot&) = default;
};

/// Phase 1a: "promise not to accept ballots below `ballot`".
struct Prepare {
  Ballot ballot;
};

/// Phase 1b. `granted` false means the acceptor already promised `promised` (higher); the proposer
/// learns it and backs off. `accepted`/`accepted_leader` report what it last accepted.
struct Promise {
  Ballot ballot;
  bool granted = false;
  Ballot promised;
  Ballot accepted;
  NodeId accepted_leader = kNoNode;
};

/// Phase 2a: "accept `leader` at `ballot`".
struct Accept {
  Ballot ballot;
  NodeId leader = kNoNode;
};

/// Phase 2b.
struct Accepted {
  Ballot ballot;
  bool granted = false;
  Ballot promised;
};

/// The leader's lease renewal; acceptors that still honour `ballot` acknowledge `round`.
struct LeaseRenew {
  Ballot ballot;
  std::uint64_t round = 0;
};

struct LeaseAck {
  Ballot ballot;
  std::uint64_t round = 0;
  bool granted = false;
};

}  // namespace baton::paxos
