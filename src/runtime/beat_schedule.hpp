// When a follower reads its leader's heartbeats. A follower that read each heartbeat as it
// arrived would be woken by its leader's send, and on one host loopback bills that wake-up to the
// leader's `sendto` (PERFORMANCE.md): the leader of an idle cluster pays for every follower. So a
// follower reads on the beat: it measures when a heartbeat arrives, leaves the next ones in the
// kernel, and reads them on its own timer one tick after each is due. A read that finds nothing
// (a late or lost heartbeat, a leader gone quiet) returns the follower to reading as frames
// arrive, until the next heartbeat re-measures the beat; so does a read every second or so,
// against drift. What is not a heartbeat wakes it anyway (net::kWakeFrameBytes).
//
// It owns no timer and reads no clock: it counts in the node's ticks (callers pass the last tick
// run), so its rules are tested with made-up ticks (tests/runtime/beat_schedule_test.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include "core/elector.hpp"

namespace baton::runtime {

class BeatSchedule {
 public:
  /// One tick past the expected arrival: a heartbeat that arrives within the tick it is due in
  /// is read at that tick's end; one later than that is a miss.
  static constexpr std::uint64_t kMarginTicks = 1;

  /// `resync_ticks`: after reads on the beat spanning about this long, the next heartbeat is read
  /// as it arrives, to measure the beat again.
  explicit BeatSchedule(std::uint64_t resync_ticks) : resync_ticks_(resync_ticks) {}

  /// What the core expects now (Elector::leader_beat()). A new leader or interval forgets the
  /// beat: frames are read as they arrive until the leader's next one is.
  void follow(const std::optional<LeaderBeat>& beat);
  /// A frame from `from` was read as it arrived, after tick `tick` had run.
  void arrived(NodeId from, std::uint64_t tick);
  /// The held input was read after tick `tick` had run; `found`: something from the leader.
  /// A read before the scheduled tick (the loop woke for something else) changes nothing.
  void read(std::uint64_t tick, bool found);

  /// The tick after which to read the leader's held frames; nullopt: read them as they arrive.
  std::optional<std::uint64_t> read_at() const { return read_at_; }
  NodeId leader() const { return beat_ ? beat_->leader : kNoNode; }
  /// Scheduled reads that found no heartbeat (each cost one wake-up for nothing).
  std::uint64_t misses() const { return misses_; }

 private:
  std::uint64_t resync_ticks_;
  std::optional<LeaderBeat> beat_;
  std::optional<std::uint64_t> read_at_;
  std::uint64_t synced_at_ = 0;  ///< the tick of the arrival the beat was measured on
  std::uint64_t misses_ = 0;
};

}  // namespace baton::runtime
