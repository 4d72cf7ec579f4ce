// Checks that hold for any core behind the Elector interface: events in an output batch,
// ticks_until_due()'s promise that the ticks before the due one change nothing, and
// input_can_wait()'s promise that the due tick, run without the input left unread, costs nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/elector.hpp"
#include "core/output.hpp"

namespace baton::test {

inline bool has_event(const Output& out, CoreEventKind kind) {
  for (const auto& e : out.events) {
    if (e.kind == kind) return true;
  }
  return false;
}

/// What a skipped tick must not change.
struct Observed {
  Role role;
  Term term;
  NodeId leader;
  NodeId voted_for;
  FenceToken fence;
  bool operator==(const Observed&) const = default;
};

inline Observed observe(const Elector& node) {
  const Status s = node.status();
  return {s.role, s.term, s.leader, s.voted_for, s.fence_token};
}

/// Ticks a clone of `node` through the ticks before its due one; returns what went wrong, or "".
inline std::string quiet_until_due(const Elector& node) {
  const std::unique_ptr<Elector> copy = node.clone();
  Output sink;
  copy->take_output(sink);
  const std::uint64_t due = copy->ticks_until_due();
  if (due == 0) return "ticks_until_due() returned 0";
  const Observed before = observe(*copy);
  for (std::uint64_t k = 1; k < due; ++k) {
    copy->tick();
    if (copy->has_output() || !(observe(*copy) == before)) {
      return std::string(node.algorithm()) + " node " + std::to_string(node.status().id) +
             " acted on tick " + std::to_string(k) + " of " + std::to_string(due) + " (role " +
             std::string(to_string(node.status().role)) + ")";
    }
  }
  return "";
}

/// When `node` names a leader whose heartbeats it can read on the beat (leader_beat()), it is a
/// follower of that leader, which is another node, at its own heartbeat interval. Returns what
/// went wrong, or "". Counts in `beats` how often a node named one.
inline std::string beat_is_a_followers(const Elector& node, std::uint64_t* beats = nullptr) {
  const auto beat = node.leader_beat();
  if (!beat) return "";
  if (beats) ++*beats;
  const Status s = node.status();
  const std::string who = std::string(node.algorithm()) + " node " + std::to_string(s.id) +
                          " (role " + std::string(to_string(s.role)) + ", term " +
                          std::to_string(s.term) + ", leader " + std::to_string(s.leader) + ") ";
  if (s.role != Role::Follower) return who + "expects a leader's heartbeats but does not follow";
  if (beat->leader != s.leader || beat->leader == s.id || beat->leader == kNoNode) {
    return who + "expects the heartbeats of node " + std::to_string(beat->leader);
  }
  if (beat->interval_ticks == 0) return who + "expects heartbeats every 0 ticks";
  return "";
}

/// When `node` says input_can_wait(), runs a clone through its due tick with no input at all (the
/// worst case: every message left unread); it must keep its role and term, and its lease if it
/// holds one. Returns what went wrong, or "". Counts in `waited` how often the node could wait.
inline std::string waits_harmlessly(const Elector& node, std::uint64_t* waited = nullptr) {
  if (!node.input_can_wait()) return "";
  if (waited) ++*waited;
  const std::unique_ptr<Elector> copy = node.clone();
  Output sink;
  copy->take_output(sink);
  const Status before = copy->status();
  const std::uint64_t due = copy->ticks_until_due();
  for (std::uint64_t k = 0; k < due; ++k) copy->tick();
  const Status after = copy->status();
  const std::string who = std::string(node.algorithm()) + " node " + std::to_string(before.id) +
                          " (role " + std::string(to_string(before.role)) + ", term " +
                          std::to_string(before.term) + ") said its input could wait " +
                          std::to_string(due) + " ticks, ";
  if (after.role != before.role || after.term != before.term) {
    return who + "but without it became " + std::string(to_string(after.role)) + " in term " +
           std::to_string(after.term);
  }
  if (before.lease_valid && !after.lease_valid) return who + "but without it lost its lease";
  return "";
}

}  // namespace baton::test
