// Compact structured trace records and their formatting. The engine records every noteworthy
// happening as a small POD (no strings built) into a ring buffer; text is produced only when a
// trace sink is attached or a violation needs its last events. This keeps untraced runs fast.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/output.hpp"
#include "core/types.hpp"
#include "sim/scenario.hpp"

namespace baton::sim {

enum class TraceKind : std::uint8_t {
  Core,          ///< a CoreEvent; `sub` = CoreEventKind, `text` = its reason
  Leadership,    ///< gained (value=1) / lost (value=0) leadership of `term`, fence in `value2`
  Send,          ///< node -> peer, `sub` = message counter slot; `value` = SendFate
  DropDelivery,  ///< a message in flight was dropped on arrival; `text` = why
  Persist,       ///< a hard-state write completed: term, voted_for in `peer`
  Fault,         ///< a fault fired; `text` = description (owned by the engine)
  Acknowledged,  ///< `node` leads `term` acknowledged by `value` of `value2` nodes
  AckLost,       ///< no node is quorum-acknowledged any more
  Failover,      ///< a failover measurement ended; `value` = microseconds
  Write,         ///< node's write with token `value` reached the resource; `sub` = WriteFate
  Input,         ///< defer-input: `sub` = InputFate; `value` = the due tick (Held) or a count
  DownQueue,     ///< down-queue: `sub` = DownQueueFate; `node` sender, `peer` crashed receiver
  Note,          ///< free text
  /// campaign-on-leader-reset: `node` saw its connection to `peer` (which died) close; `sub` = the
  /// core's RequestResult (Ok: it campaigns)
  ConnectionReset,
};

/// down-queue: Queued = the receiver is crashed, so the message waits in the sender's queue;
/// Resent = it leaves that queue for the restarted node.
enum class SendFate : std::uint8_t { Sent, Lost, Blocked, Duplicated, Queued, Resent };
enum class WriteFate : std::uint8_t { Accepted, Rejected, Stale, Sent, Lost };
/// What became of a node's held input (defer-input): it started holding, read what it held at the
/// due tick, read it early because the core no longer let it wait, read it on resume, or lost it
/// in a crash. A follower's: it started holding its leader's heartbeats until its read on the beat
/// (`value` = that tick), read them on the beat (`value` = how many; 0 is a miss), or read them
/// when a message from the leader that does not wait arrived behind them.
enum class InputFate : std::uint8_t {
  Held,
  ReadAtDueTick,
  ReadCannotWait,
  ReadOnResume,
  Dropped,
  HeldForBeat,
  ReadOnBeat,
  ReadWoken
};
/// What became of messages for a crashed node under down-queue: one in flight when the node
/// crashed was queued by its sender (`value2` = message counter slot, `value` = how many now wait;
/// one sent while it is down is a Send record with SendFate::Queued), the oldest was dropped beyond
/// the bound (`value2` = its counter slot), `value` of them left for the restarted node, or
/// `value` of them were lost because the sender crashed.
enum class DownQueueFate : std::uint8_t { Queued, DroppedOldest, Flushed, Lost };

struct TraceRecord {
  Micros time = 0;
  TraceKind kind = TraceKind::Note;
  std::uint8_t sub = 0;
  NodeId node = kNoNode;
  NodeId peer = kNoNode;
  Term term = 0;
  std::uint64_t value = 0;
  std::uint64_t value2 = 0;
  std::string_view text;  ///< a static literal or a string owned by the engine for the run
};

/// `   152.301ms  n3  election timeout (term 1)`.
std::string format_record(const TraceRecord& record);

/// The last `capacity` records, oldest first on read.
class TraceRing {
 public:
  explicit TraceRing(std::size_t capacity = 0) : records_(capacity) {}
  void push(const TraceRecord& record) {
    if (records_.empty()) return;
    records_[head_] = record;
    head_ = (head_ + 1) % records_.size();
    if (size_ < records_.size()) ++size_;
  }
  std::vector<std::string> format_all() const;

 private:
  std::vector<TraceRecord> records_;
  std::size_t head_ = 0, size_ = 0;
};

}  // namespace baton::sim
