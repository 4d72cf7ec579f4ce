// The Paxos leader's lease: how long it may be sure no other leader exists.
#pragma once

#include <cstdint>

#include "core/paxos/config.hpp"

namespace baton::paxos {

/// Lease length L in the leader's ticks, measured from the tick it SENT the Accept or LeaseRenew
/// round that a majority (counting itself) acknowledged. The same argument as
/// raft/lease_tracker.hpp, with PaxosLease's acceptor window in place of Raft's stickiness:
///
/// Every acceptor that acked round r refuses the ballots of every other node for at least
/// lease_ticks - 1 full ticks of its own clock after the ack (acceptor.hpp), and the ack came after
/// the send. With clock rates off by at most d either way, those ticks last at least (lease_ticks -
/// 1) / (1 + d) true periods, and the leader's L ticks at most L / (1 - d); so L =
/// floor((lease_ticks - 1) * (1 - d) / (1 + d)). Another leader needs a majority of acks for its
/// own ballot, and that majority shares an acceptor with ours, which cannot ack it before our lease
/// has run out. The leader's own ack is taken at the send tick itself.
///
/// The bookkeeping (rounds, send ticks, which member acked what, quorum order statistic) is
/// raft::LeaseTracker, reused unchanged: it depends only on member count, self index and L.
std::uint64_t lease_duration_ticks(const Config& config);

}  // namespace baton::paxos
