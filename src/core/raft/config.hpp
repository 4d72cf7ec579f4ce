// Settings of the Raft-style elector, all in logical ticks (units last in names).
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace baton::raft {

struct Config {
  NodeId id = kNoNode;
  /// Every voting member including this node.
  std::vector<NodeId> members;

  /// Randomized election timeout range, inclusive (paper 5.2). min also bounds leader stickiness
  /// and the leader lease.
  std::uint32_t election_timeout_ticks_min = 150;
  std::uint32_t election_timeout_ticks_max = 300;
  /// Timeout range a candidate uses to retry after a round that did not decide (split vote).
  /// 0/0 means: the election timeout range. The thesis suggests a shorter one speeds up recovery.
  std::uint32_t candidate_timeout_ticks_min = 0;
  std::uint32_t candidate_timeout_ticks_max = 0;
  std::uint32_t heartbeat_interval_ticks = 50;

  bool pre_vote = true;      ///< thesis 9.6
  bool check_quorum = true;  ///< thesis 6.2: leader steps down without a quorum's contact
  bool leader_lease = true;  ///< thesis 6.4.1: leader knows no other leader can exist
  /// Upper bound on how far any node's clock rate may differ from true time (0.01 = 1% fast or
  /// slow). The lease is shortened by it; set it lower than reality and the lease becomes unsafe
  /// (tests/scenarios/lease-drift-bound.scn shows both).
  double max_clock_drift = 0.01;

  /// Election-storm control: after this many consecutive elections that elected nobody, the timeout
  /// range doubles (jittered), up to backoff_max_factor times the base. 0 disables.
  std::uint32_t backoff_after_failed_elections = 3;
  std::uint32_t backoff_max_factor = 8;

  /// After resign() this node does not stand for election for this long.
  std::uint32_t resign_hold_ticks = 1000;
  /// A transfer that has not completed after this long is abandoned (thesis 3.10: one election
  /// timeout).
  std::uint32_t transfer_timeout_ticks = 0;  ///< 0 = election_timeout_ticks_max

  /// MongoDB-style priorities, indexed like `members`; empty = all 1. Priority 0 never stands;
  /// higher priority campaigns sooner.
  std::vector<std::uint32_t> priorities;
  /// Extra ticks of election timeout per priority step below the highest priority.
  std::uint32_t priority_step_ticks = 0;  ///< 0 = (election max - min) / 2
  /// If set, a leader hands leadership to this member once it has answered heartbeats for an
  /// election timeout (healthy and caught up).
  NodeId preferred_leader = kNoNode;

  /// This node's last log position for the up-to-date check (paper 5.4.1). Pure election has no
  /// log, so both stay 0; tests set them to exercise the rule.
  std::uint64_t last_log_index = 0;
  Term last_log_term = 0;

  /// Test-only switches that remove a safety rule, so tests can prove the checkers catch the bug.
  struct Unsafe {
    bool grant_multiple_votes_per_term = false;
    bool ignore_drift_in_lease = false;
    /// leader_connection_lost() acts even with the leader lease on.
    bool reset_campaign_with_lease = false;
  } unsafe;
};

}  // namespace baton::raft
