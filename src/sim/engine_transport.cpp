// The simulation engine, part 4: what the real runtime's transport adds to a bare network, each
// behind its setting. down-queue: a sender keeps the messages for a crashed peer and re-sends them
// in order when it restarts (net::OutgoingLink's queue). defer-input: a node whose core says
// input_can_wait() is handed its messages right after its next due tick (the runtime leaves its
// sockets unread), and a follower reads its leader's heartbeats on the beat
// (core/beat_schedule.hpp) as the runtime does. Part 1 is engine.cpp.
#include <algorithm>
#include <iterator>

#include "core/routine_traffic.hpp"
#include "sim/engine.hpp"

namespace baton::sim {

// ---- down-queue ------------------------------------------------------------------------------

void Simulation::note_sent(std::uint32_t slot) {
  if (scenario_.down_queue_frames == 0) return;
  if (sent_at_.size() < pool_.size()) sent_at_.resize(pool_.size());
  sent_at_[slot] = now_;
}

bool Simulation::queue_for_down_node(std::uint32_t slot, std::uint32_t sender_incarnation,
                                     bool on_arrival) {
  const Envelope& env = pool_[slot];
  const NodeId from = env.from, to = env.to;
  // Only the peer transport queues: a message to itself never left its node, and the store is a
  // service its clients reach over their own connections, which die with either end (a reply is
  // never re-sent to a new process). A sender that crashed since it sent the message lost its
  // queue with its memory; a blocked link or a lost message stays lost (only a crashed receiver
  // is modelled).
  if (from == to || from < 1 || from > n_ || to < 1 || to > n_) return false;
  if (nodes_[from].crashed || nodes_[from].incarnation != sender_incarnation) return false;
  if (links_.blocked(from, to)) return false;
  DownQueue& queue = *down_queue(from, to, true);
  // In the order they were sent: a message that was in flight when the receiver crashed goes
  // ahead of those sent since (queued at once, see send()), as it left the sender first.
  const Micros sent_at = sent_at_[slot];
  auto at = queue.entries.end();
  while (at != queue.entries.begin() && std::prev(at)->sent_at > sent_at) --at;
  queue.entries.insert(at, DownQueue::Entry{slot, sent_at});
  ++result_.messages_down_queued;
  if (on_arrival) {  // (queued at send time, the Send record says so)
    record({now_,
            TraceKind::DownQueue,
            static_cast<std::uint8_t>(DownQueueFate::Queued),
            from,
            to,
            message_term(env.message),
            queue.entries.size(),
            message_counter_slot(env.message),
            {}});
  }
  if (queue.entries.size() > scenario_.down_queue_frames) {
    // As the runtime's queue does when full: the oldest goes, so the peer first hears the newest.
    const std::uint32_t oldest = queue.entries.front().slot;
    queue.entries.pop_front();
    ++result_.messages_down_dropped;
    record({now_,
            TraceKind::DownQueue,
            static_cast<std::uint8_t>(DownQueueFate::DroppedOldest),
            from,
            to,
            message_term(pool_[oldest].message),
            0,
            message_counter_slot(pool_[oldest].message),
            {}});
    free_slot(oldest);
  }
  return true;
}

Simulation::DownQueue* Simulation::down_queue(NodeId from, NodeId to, bool create) {
  std::vector<DownQueue>& queues = nodes_[to].down_queues;
  for (DownQueue& queue : queues) {
    if (queue.from == from) return &queue;
  }
  if (!create) return nullptr;
  queues.push_back(DownQueue{from, {}, 0});
  return &queues.back();
}

void Simulation::flush_down_queue(NodeId to, DownQueue& queue) {
  if (queue.entries.empty()) return;
  const NodeId from = queue.from;
  record({now_,
          TraceKind::DownQueue,
          static_cast<std::uint8_t>(DownQueueFate::Flushed),
          from,
          to,
          0,
          queue.entries.size(),
          0,
          {}});
  // The sender reconnects and writes its queue in order: each message takes a fresh latency draw,
  // never arriving before the one queued ahead of it. A connection is reliable: no loss draw.
  Micros at = std::max(now_, queue.resent_until);
  for (const DownQueue::Entry& entry : queue.entries) {
    const Envelope& env = pool_[entry.slot];
    at = std::max(at, now_ + network_.latency(network_rng_));
    record({now_,
            TraceKind::Send,
            static_cast<std::uint8_t>(message_counter_slot(env.message)),
            from,
            to,
            message_term(env.message),
            static_cast<std::uint64_t>(SendFate::Resent),
            0,
            {}});
    queue_.push(Event{at, 0, EventKind::Deliver, to, entry.slot, nodes_[from].incarnation});
    ++result_.messages_down_flushed;
  }
  if (!last_arrival_.empty()) {
    Micros& pair_last = last_arrival_[from * (total_ + 1) + to];
    pair_last = std::max(pair_last, at);
  }
  queue.resent_until = at;
  queue.entries.clear();
}

void Simulation::flush_down_queues_from(NodeId from) {
  for (NodeId to = 1; to <= n_; ++to) {
    if (nodes_[to].crashed) continue;
    if (DownQueue* queue = down_queue(from, to, false)) flush_down_queue(to, *queue);
  }
}

void Simulation::drop_down_queues_from(NodeId from) {
  for (NodeId to = 1; to <= n_; ++to) {
    DownQueue* queue = down_queue(from, to, false);
    if (queue == nullptr) continue;
    if (!queue->entries.empty()) {
      result_.messages_down_lost += queue->entries.size();
      record({now_,
              TraceKind::DownQueue,
              static_cast<std::uint8_t>(DownQueueFate::Lost),
              from,
              to,
              0,
              queue->entries.size(),
              0,
              {}});
      for (const DownQueue::Entry& entry : queue->entries) free_slot(entry.slot);
    }
    // The next life starts a new connection: nothing it sends waits behind the old one's.
    std::vector<DownQueue>& queues = nodes_[to].down_queues;
    queues.erase(queues.begin() + (queue - queues.data()));
  }
}

// ---- defer-input -----------------------------------------------------------------------------

void Simulation::hold_input(NodeId id, std::uint32_t slot) {
  Node& node = nodes_[id];
  if (node.held.empty()) {
    // The runtime reads its sockets right after the core's next due tick has run: that tick is
    // fixed now, when the first message is left unread.
    node.held_until_tick = node.ticks + node.core->ticks_until_due();
    record({now_,
            TraceKind::Input,
            static_cast<std::uint8_t>(InputFate::Held),
            id,
            0,
            0,
            node.held_until_tick,
            0,
            {}});
  }
  node.held.push_back(slot);
  ++result_.messages_deferred;
}

void Simulation::read_held_input(NodeId id, InputFate fate) {
  Node& node = nodes_[id];
  // A follower's heartbeats read off the beat are read as they would have arrived: the schedule
  // sees them (the runtime reads the connection as it does any other).
  const bool as_arrivals = node.held_for_beat;
  node.held_for_beat = false;
  std::vector<std::uint32_t> held;
  held.swap(node.held);
  record({now_, TraceKind::Input, static_cast<std::uint8_t>(fate), id, 0, 0, held.size(), 0, {}});
  for (std::uint32_t slot : held) {  // in arrival order
    if (as_arrivals) {
      step_arrival(id, slot);
    } else {
      step_message(id, slot);
    }
  }
  held.clear();
  if (node.held.empty()) node.held.swap(held);  // keep the capacity
}

void Simulation::maybe_read_held_input(NodeId id) {
  const Node& node = nodes_[id];
  if (node.held.empty() || node.crashed || node.paused) return;
  if (node.held_for_beat) {
    if (node.beat->read_due(node.ticks)) {
      read_on_beat(id);
    } else if (!node.beat->holds(node.ticks, node.core->ticks_until_due())) {
      // A new leader or beat, or a due tick moved before the read: the runtime stops deferring
      // the connection, and what waited on it is read at once.
      read_held_input(id, InputFate::ReadCannotWait);
    }
    return;
  }
  if (node.ticks >= node.held_until_tick) {
    read_held_input(id, InputFate::ReadAtDueTick);
  } else if (!node.core->input_can_wait()) {
    read_held_input(id, InputFate::ReadCannotWait);
  }
}

// ---- defer-input: a follower reads on the beat ----------------------------------------------

void Simulation::read_input_after_tick(NodeId id) {
  Node& node = nodes_[id];
  if (node.beat && node.beat->read_due(node.ticks)) {
    read_on_beat(id);
  } else if (!node.held.empty()) {
    maybe_read_held_input(id);
  }
  follow_beat(id);
}

bool Simulation::waits_for_beat(NodeId id, std::uint32_t slot) const {
  const Node& node = nodes_[id];
  const Envelope& env = pool_[slot];
  if (!node.beat || (!node.held.empty() && !node.held_for_beat)) return false;
  return env.from == node.beat->leader() && may_wait_for_reader(env.message) && !wakes_[slot] &&
         node.beat->holds(node.ticks, node.core->ticks_until_due());
}

void Simulation::hold_for_beat(NodeId id, std::uint32_t slot) {
  Node& node = nodes_[id];
  if (node.held.empty()) {
    node.held_for_beat = true;
    record({now_,
            TraceKind::Input,
            static_cast<std::uint8_t>(InputFate::HeldForBeat),
            id,
            node.beat->leader(),
            0,
            *node.beat->read_at(),
            0,
            {}});
  }
  node.held.push_back(slot);
  ++result_.messages_deferred;
}

void Simulation::read_on_beat(NodeId id) {
  Node& node = nodes_[id];
  const bool found = node.held_for_beat && !node.held.empty();
  std::vector<std::uint32_t> held;
  if (found) {
    held.swap(node.held);
    node.held_for_beat = false;
  }
  record({now_,
          TraceKind::Input,
          static_cast<std::uint8_t>(InputFate::ReadOnBeat),
          id,
          0,
          0,
          held.size(),
          0,
          {}});
  // As the runtime reads on the beat: the core gets them in order, and the schedule learns only
  // whether the read found anything (they are not arrivals: that would re-measure the beat).
  for (std::uint32_t slot : held) step_message(id, slot);
  node.beat->read(node.ticks, found);
  if (!node.held.empty()) maybe_read_held_input(id);
}

void Simulation::step_arrival(NodeId id, std::uint32_t slot) {
  const NodeId from = pool_[slot].from;
  const bool routine = may_wait_for_reader(pool_[slot].message);
  step_message(id, slot);  // (frees the slot)
  Node& node = nodes_[id];
  if (!node.beat || node.crashed) return;
  node.beat->follow(node.core->leader_beat());
  // Only heartbeats keep the beat: anything else is sent off it (and wakes the reader anyway).
  if (routine) node.beat->arrived(from, node.ticks);
}

void Simulation::follow_beat(NodeId id) {
  Node& node = nodes_[id];
  if (node.beat && !node.crashed && node.core) node.beat->follow(node.core->leader_beat());
}

// ---- campaign-on-leader-reset ----------------------------------------------------------------

void Simulation::schedule_connection_resets(NodeId node, bool both_ends) {
  // The kernel closes a dead process's sockets: each peer's end sees the close after the data
  // still in flight on that connection (TCP keeps order). A partition in the way holds the close
  // back like any segment; the peer then never sees it (only its timer tells it). The store is a
  // service, not a peer, and its sessions have their own TTL.
  const auto close_seen_by = [&](NodeId seer, NodeId closed) {
    if (nodes_[seer].crashed || links_.blocked(closed, seer)) return;
    const Micros after_data = last_arrival_[closed * (total_ + 1) + seer];
    const Micros at = std::max(now_ + network_.latency(network_rng_), after_data);
    queue_.push(Event{at, 0, EventKind::ConnectionReset, seer, closed, nodes_[seer].incarnation});
  };
  for (NodeId peer = 1; peer <= n_; ++peer) {
    if (peer == node) continue;
    close_seen_by(peer, node);
    if (both_ends) close_seen_by(node, peer);
  }
}

void Simulation::on_connection_reset(NodeId id, NodeId peer) {
  Node& node = nodes_[id];
  const RequestResult r = node.core->leader_connection_lost(peer);
  record({now_, TraceKind::ConnectionReset, static_cast<std::uint8_t>(r), id, peer, 0, 0, 0, {}});
  if (node.core->has_output()) drain_output(id);
  update_status(id);
  if (!node.held.empty()) maybe_read_held_input(id);
  follow_beat(id);
}

}  // namespace baton::sim
