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
// run), so its rules are tested with made-up ticks (tests/core/beat_schedule_test.cpp), and the
// runtime and the simulator (defer-input) drive the same schedule.
#pragma once

#include <cstdint>
#include <optional>

#include "core/elector.hpp"

namespace baton {

class BeatSchedule {
 public:
  /// One tick past the expected arrival: a heartbeat that arrives within the tick it is due in
  /// is read at that tick's end; one later than that is a miss.
  static constexpr std::uint64_t kMarginTicks = 1;
  /// Misses in a row after which the follower reads as frames arrive until the next resync: a
  /// beat it cannot keep (a leader whose interval is a tick or so longer than this node's
  /// setting, a host whose timers run late) must not cost a wasted wake-up every heartbeat.
  static constexpr std::uint64_t kMissesBeforeBackOff = 3;

  /// How long before the core's due tick a read on the beat must come at the latest: a timer
  /// that fires this late still reads the heartbeat before the election timer runs.
  static constexpr double kGuardMs = 5;
  /// How long a follower reads on the beat before it reads one heartbeat as it arrives, to
  /// measure the beat again (against drift between the two clocks and schedules).
  static constexpr double kResyncMs = 1000;

  /// `resync_ticks`: after reads on the beat spanning about this long, the next heartbeat is read
  /// as it arrives, to measure the beat again. `guard_ticks`: how long before the core's due tick
  /// the read must come at the latest, so that a timer firing that late still reads first.
  BeatSchedule(std::uint64_t resync_ticks, std::uint64_t guard_ticks)
      : resync_ticks_(resync_ticks), guard_ticks_(guard_ticks) {}
  /// The schedule a node with ticks of `tick_ms` keeps: kResyncMs and kGuardMs in its ticks (the
  /// guard at least 2).
  static BeatSchedule for_tick_ms(double tick_ms);

  /// What the core expects now (Elector::leader_beat()). A new leader or interval forgets the
  /// beat: frames are read as they arrive until the leader's next heartbeat is.
  void follow(const std::optional<LeaderBeat>& beat);
  /// A heartbeat from `from` was read as it arrived, after tick `tick` had run. (Only heartbeats
  /// keep the beat; a message sent off it, which wakes the node anyway, would shift it.)
  void arrived(NodeId from, std::uint64_t tick);
  /// The held input was read after tick `tick` had run; `found`: something from the leader.
  void read(std::uint64_t tick, bool found);

  /// The tick after which to read the leader's held heartbeats; nullopt: read as they arrive.
  std::optional<std::uint64_t> read_at() const { return read_at_; }
  /// Whether the leader's heartbeats may be left unread now, after tick `done`, with the core's
  /// next due tick (its election timer) `ticks_until_due` ahead. A driver runs every due tick
  /// before it reads, so the read must come before that tick with `guard_ticks` to spare; and a
  /// read whose tick has passed unread (the loop ran ticks for something else) is not waited for:
  /// what waits is read as it arrives, which measures the beat again.
  bool holds(std::uint64_t done, std::uint64_t ticks_until_due) const;
  /// Whether the scheduled read is due after tick `done`. A driver reads only then: a read before
  /// it (a wake-up for the core's timer) would take the heartbeats off the beat.
  bool read_due(std::uint64_t done) const { return read_at_ && done >= *read_at_; }
  NodeId leader() const { return beat_ ? beat_->leader : kNoNode; }
  /// The interval the beat is kept at: the core's, or a longer one measured between arrivals.
  std::uint64_t interval_ticks() const { return interval_; }
  /// Scheduled reads that found no heartbeat (each cost one wake-up for nothing).
  std::uint64_t misses() const { return misses_; }

 private:
  std::uint64_t resync_ticks_;
  std::uint64_t guard_ticks_;
  std::optional<LeaderBeat> beat_;
  std::uint64_t interval_ = 0;
  std::optional<std::uint64_t> read_at_;
  std::uint64_t synced_at_ = 0;  ///< the tick of the arrival the beat was measured on
  /// The last heartbeat read as it arrived, while none has been read on the beat since, and the
  /// gap before it: two such gaps that agree are the leader's interval.
  std::optional<std::uint64_t> prompt_at_;
  std::optional<std::uint64_t> prompt_gap_;
  std::uint64_t misses_in_a_row_ = 0;
  std::uint64_t backed_off_until_ = 0;  ///< no reading on the beat before this tick
  std::uint64_t misses_ = 0;
};

}  // namespace baton
