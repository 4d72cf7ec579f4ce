// The simulation engine, part 5: what a crash, a restart, a pause and a resume do to one node:
// its volatile state, its disk, its timers, what was in its sockets, and the catch-up on waking.
// Part 1 is engine.cpp; the faults that call these are in engine_faults.cpp.
#include <vector>

#include "core/store/store_node.hpp"
#include "sim/engine.hpp"

namespace baton::sim {

void Simulation::crash(NodeId id, bool wipe) {
  Node& node = nodes_[id];
  if (scenario_.down_queue_frames > 0) drop_down_queues_from(id);
  if (!last_arrival_.empty() && id != store_id_ && !node.crashed) schedule_connection_resets(id);
  node.resets_while_paused.clear();
  if (!node.held.empty()) {
    // Input held under defer-input was still in the dead process's sockets: gone, like the inbox.
    record({now_,
            TraceKind::Input,
            static_cast<std::uint8_t>(InputFate::Dropped),
            id,
            0,
            0,
            node.held.size(),
            0,
            {}});
    for (std::uint32_t slot : node.held) free_slot(slot);
    node.held.clear();
  }
  node.held_for_beat = false;
  node.transfer_in_flight = false;
  if (id == store_id_) {
    // A store outage: the service is unreachable, its data is kept (it stands for a replicated
    // etcd or ZooKeeper that lost quorum). Messages to it are lost; its clock does not run for it.
    node.crashed = true;
    node.paused = false;
    ++node.timer_gen;
    for (std::uint32_t slot : node.inbox) free_slot(slot);
    node.inbox.clear();
    active_[id] = 0;
    return;
  }
  node.core.reset();
  node.crashed = true;
  node.paused = false;
  ++node.incarnation;
  ++node.timer_gen;
  for (const Batch& batch : node.disk) {
    for (std::uint32_t slot : batch.slots) free_slot(slot);
  }
  node.disk.clear();  // the pending writes never happened; their messages never leave
  node.disk_free_at = 0;
  node.disk_done_deferred = 0;
  for (std::uint32_t slot : node.inbox) free_slot(slot);
  node.inbox.clear();
  node.writer_missed = false;
  if (wipe) node.persisted = HardState{};
  status_[id] = Status{};
  status_[id].id = id;
  active_[id] = 0;
  dirty_ = true;
}

void Simulation::restart(NodeId id) {
  Node& node = nodes_[id];
  if (id == store_id_) {
    node.crashed = false;
    ++node.timer_gen;
    static_cast<store::StoreNode*>(node.core.get())->recover_after_outage();
    active_[id] = 1;
    start_timers(id);
    return;
  }
  ++node.restarts;
  node.crashed = false;
  ++node.timer_gen;
  node.core = build_core(id);
  if (node.beat) node.beat = BeatSchedule::for_tick_ms(scenario_.tick_ms);
  active_[id] = 1;
  update_status(id);
  dirty_ = true;
  start_timers(id);
  if (node.core->has_output()) drain_output(id);
  // down-queue: every running sender reconnects and re-sends what it kept for this node; a paused
  // one does when it resumes.
  for (DownQueue& queue : node.down_queues) {
    if (active(queue.from)) flush_down_queue(id, queue);
  }
}

void Simulation::pause(NodeId id, Micros duration) {
  Node& node = nodes_[id];
  node.paused = true;
  ++node.timer_gen;
  ++node.pause_gen;
  node.writer_missed = false;
  active_[id] = 0;
  dirty_ = true;
  if (duration > 0)
    queue_.push(Event{now_ + duration, 0, EventKind::AutoResume, id, 0, node.pause_gen});
}

void Simulation::resume(NodeId id) {
  Node& node = nodes_[id];
  node.paused = false;
  ++node.timer_gen;
  ++node.pause_gen;
  active_[id] = 1;
  dirty_ = true;
  // down-queue: a node that came back while this one was frozen gets what it kept for it first,
  // ahead of anything the catch-up below sends it (one connection, in order).
  if (scenario_.down_queue_frames > 0) flush_down_queues_from(id);
  // Order on waking (decided): disk completions that finished meanwhile; then every missed tick one
  // by one (a real runtime catches up elapsed monotonic time first, which is how a paused leader
  // notices its lease expired); then one write if the writer's timer fell due during the pause (the
  // classic stale write after a GC pause); then the messages that queued up, in arrival order:
  // under defer-input, first those held before the pause (unless a catch-up tick read them).
  while (node.disk_done_deferred > 0 && !node.crashed) {
    --node.disk_done_deferred;
    complete_disk_write(id);
  }
  while (node.clock.instant(node.next_tick_k, tick_us_) <= now_) run_tick(id);
  queue_.push(Event{node.clock.instant(node.next_tick_k, tick_us_), 0, EventKind::Tick, id, 0,
                    node.timer_gen});
  if (writer_us_ > 0) {
    if (node.clock.instant(node.next_write_k, writer_us_) <= now_) {
      attempt_write(id);
      node.next_write_k = node.clock.first_after(now_, writer_us_);
    }
    queue_.push(Event{node.clock.instant(node.next_write_k, writer_us_), 0, EventKind::WriterFire,
                      id, 0, node.timer_gen});
  }
  if (!node.held.empty()) read_held_input(id, InputFate::ReadOnResume);
  std::vector<std::uint32_t> inbox;
  inbox.swap(node.inbox);
  for (std::uint32_t slot : inbox) {
    if (node.crashed || node.paused) {
      free_slot(slot);
      continue;
    }
    step_arrival(id, slot);
  }
  inbox.clear();
  if (node.inbox.empty()) node.inbox.swap(inbox);  // keep the capacity
  std::vector<NodeId> resets;
  resets.swap(node.resets_while_paused);
  for (NodeId peer : resets) {
    if (!node.crashed && !node.paused) on_connection_reset(id, peer);
  }
}

}  // namespace baton::sim
