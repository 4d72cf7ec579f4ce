// The messages of Raft-style election (Raft paper section 5.2, thesis 3.4, 3.10, 9.6).
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace baton::raft {

/// RequestVote, or its pre-vote probe (thesis 9.6). For a pre-vote `term` is the term the sender
/// *would* campaign in (its current term + 1); receivers do not adopt it. The last-log fields carry
/// the up-to-date check (paper 5.4.1); with no replicated log they are 0 but the rule is applied.
struct VoteRequest {
  Term term = 0;
  bool pre_vote = false;
  std::uint64_t last_log_index = 0;
  Term last_log_term = 0;
  /// Set when the campaign was triggered by TimeoutNow (thesis 3.10): voters must not refuse it
  /// for leader stickiness, because the current leader asked for it.
  bool leadership_transfer = false;
};

/// Answer to a VoteRequest. For pre-votes `term` echoes the request's term when granted.
struct VoteResponse {
  Term term = 0;
  bool pre_vote = false;
  bool granted = false;
};

/// The leader's periodic "I am alive" (an empty AppendEntries). `round` numbers heartbeat rounds so
/// the leader can tell which round a quorum acknowledged, which is what its lease is built on.
struct Heartbeat {
  Term term = 0;
  std::uint64_t round = 0;
};

/// Answers a Heartbeat. `accepted` is true only when the responder took the heartbeat as coming
/// from its leader of `term`: only then is it an ack the leader may build its lease and
/// check-quorum on. A responder with a higher term sets accepted = false and reports its term so
/// the stale leader steps down. (Without the flag, a reply to a stale heartbeat that happens to
/// carry the leader's new term and an old round number would pass for an ack of that round.)
struct HeartbeatResponse {
  Term term = 0;
  std::uint64_t round = 0;
  bool accepted = false;
};

/// Leadership transfer (thesis 3.10): the leader tells the target to start an election at once.
struct TimeoutNow {
  Term term = 0;
};

}  // namespace baton::raft
