// The simulator's single event queue: a binary heap ordered by (time, insertion sequence).
// Ties in time are broken by the order events were scheduled, so a run is a pure function of its
// seed (no pointer or hash order leaks in). Events are small PODs; the heap's storage is reused, so
// steady-state scheduling does not allocate.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/scenario.hpp"

namespace baton::sim {

/// What an event does when it fires. The payload fields' meaning depends on the kind.
enum class EventKind : std::uint8_t {
  Tick,         ///< node's next local tick; `gen` = node incarnation
  Deliver,      ///< message pool slot `arg` arrives at its receiver
  DiskDone,     ///< node's oldest pending hard-state write completes; `gen` = incarnation
  Fault,        ///< fault `arg` of the run's schedule fires
  AutoResume,   ///< end of a timed pause of `node`; `gen` = pause generation
  WriterFire,   ///< node's writer timer; `gen` = incarnation
  WriteArrive,  ///< write pool slot `arg` reaches the fenced resource
  Probe,        ///< no-op; lets time-windowed expectations be evaluated at an exact instant
  /// campaign-on-leader-reset: `node` sees its connection to `arg`, whose process died, close;
  /// `gen` = `node`'s incarnation when it was scheduled
  ConnectionReset,
};

struct Event {
  Micros time = 0;
  std::uint64_t seq = 0;
  EventKind kind = EventKind::Tick;
  std::uint32_t node = 0;
  std::uint32_t arg = 0;
  std::uint32_t gen = 0;
};

class EventQueue {
 public:
  void push(Event event) {
    event.seq = next_seq_++;
    heap_.push_back(event);
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  bool empty() const { return heap_.empty(); }
  const Event& top() const { return heap_.front(); }
  Event pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Event event = heap_.back();
    heap_.pop_back();
    return event;
  }
  std::size_t size() const { return heap_.size(); }
  void clear() {
    heap_.clear();
    next_seq_ = 0;
  }

 private:
  /// Heap comparator: std::*_heap keep the "largest" on top, so "larger" means later.
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.time != b.time ? a.time > b.time : a.seq > b.seq;
    }
  };
  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace baton::sim
