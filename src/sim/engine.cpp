// The simulation engine, part 1: construction, the event loop, node plumbing (output batches,
// disk, network) and the fenced writer. Faults are in engine_faults.cpp; what a crash, restart,
// pause and resume do to a node in engine_lifecycle.cpp; what the runtime's transport adds to the
// network (down-queue, defer-input, campaign-on-leader-reset) in engine_transport.cpp; the checks
// after every event and the result in engine_checks.cpp.
#include "sim/engine.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/store/store_node.hpp"
#include "sim/algorithm_factory.hpp"
#include "sim/nemesis.hpp"

namespace baton::sim {
namespace {

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

}  // namespace

Simulation::Simulation(const Scenario& scenario, std::uint64_t seed, const RunOptions& options)
    : scenario_(scenario),
      options_(options),
      n_(scenario.nodes),
      store_id_(is_store_based(scenario.algorithm) ? scenario.nodes + 1 : kNoNode),
      total_(scenario.nodes + (store_id_ != kNoNode ? 1 : 0)),
      tick_us_(std::max<Micros>(1, ms_to_micros(scenario.tick_ms))),
      writer_us_(scenario.writer.interval_ms > 0
                     ? std::max<Micros>(1, ms_to_micros(scenario.writer.interval_ms))
                     : 0),
      end_(scenario.duration),
      tracing_(static_cast<bool>(options.trace)),
      elector_seed_(0),
      links_(total_),
      network_(scenario.network),
      ring_(options.keep_last_events) {
  if (n_ == 0) throw std::invalid_argument("scenario has no nodes");
  result_.seed = seed;
  // Fixed fork order; every stream is forked even when unused so the order never shifts.
  Rng root(seed);
  network_rng_ = root.fork(1);
  fault_rng_ = root.fork(2);
  elector_seed_ = root.fork(3).next();
  nemesis_rng_ = root.fork(4);
  clock_rng_ = root.fork(5);
  disk_rng_ = root.fork(6);

  nodes_.resize(total_ + 1);
  status_.resize(total_ + 1);
  active_.assign(total_ + 1, 0);
  pool_.reserve(256);
  free_slots_.reserve(256);
  if (scenario.raft.campaign_on_leader_reset) last_arrival_.assign((total_ + 1) * (total_ + 1), 0);

  // Clocks: explicit per-node settings win; others draw skew then drift, node by node.
  for (NodeId id = 1; id <= n_; ++id) {
    const double skew_draw = (clock_rng_.unit() * 2 - 1) * scenario.clocks.skew_ms_max;
    const double drift_draw = (clock_rng_.unit() * 2 - 1) * scenario.clocks.drift_max;
    auto it = scenario.clocks.per_node.find(id);
    NodeClockModel& c = nodes_[id].clock;
    c.skew_us = (it != scenario.clocks.per_node.end() ? it->second.skew_ms : skew_draw) * 1000.0;
    c.drift = it != scenario.clocks.per_node.end() ? it->second.drift : drift_draw;
    // Real nodes' timers are not phase-locked: each process started at its own instant. Without a
    // random sub-tick phase every follower's election timer would restart on the same instant and
    // the timeouts could only differ by whole ticks, inflating split votes far beyond reality.
    const double phase_draw = clock_rng_.unit();
    if (scenario.clocks.random_tick_phase) c.skew_us += phase_draw * static_cast<double>(tick_us_);
  }
  if (store_id_ != kNoNode) {
    // The store keeps time on its own clock (TTLs and sessions expire on it), drawn like a node's
    // and after every node's, so adding the store never shifts the nodes' clocks.
    NodeClockModel& c = nodes_[store_id_].clock;
    const double skew_draw = (clock_rng_.unit() * 2 - 1) * scenario.clocks.skew_ms_max;
    const double drift_draw = (clock_rng_.unit() * 2 - 1) * scenario.clocks.drift_max;
    auto it = scenario.clocks.per_node.find(store_id_);
    const bool set = it != scenario.clocks.per_node.end();
    c.skew_us = (set ? it->second.skew_ms : skew_draw) * 1000.0;
    c.drift = set ? it->second.drift : drift_draw;
    const double phase_draw = clock_rng_.unit();
    if (scenario.clocks.random_tick_phase) c.skew_us += phase_draw * static_cast<double>(tick_us_);
  }

  // The fault schedule: the scenario's, plus the nemesis', stable-sorted by time.
  faults_ = scenario.faults;
  if (scenario.nemesis.enabled) {
    auto generated = generate_nemesis(scenario, nemesis_rng_);
    faults_.insert(faults_.end(), generated.begin(), generated.end());
  }
  std::stable_sort(faults_.begin(), faults_.end(),
                   [](const TimedFault& a, const TimedFault& b) { return a.at < b.at; });
  for (std::uint32_t i = 0; i < faults_.size(); ++i) {
    queue_.push(Event{faults_[i].at, 0, EventKind::Fault, 0, i, 0});
  }

  // Probes at the edges of time-windowed expectations, so they are judged at exact instants.
  exp_state_.resize(scenario.expectations.size());
  for (std::size_t i = 0; i < scenario.expectations.size(); ++i) {
    const Expectation& e = scenario.expectations[i];
    using K = Expectation::Kind;
    // "Two leaders" holds once seen; the others hold until broken.
    if (e.kind == K::TwoLeaders) exp_state_[i].held = false;
    if (e.kind == K::NoLeaderAmong || e.kind == K::StableLeader || e.kind == K::LeaderIs ||
        e.kind == K::TwoLeaders) {
      has_windows_ = true;
      queue_.push(Event{e.from, 0, EventKind::Probe, 0, 0, 0});
      if (e.kind != K::LeaderIs) queue_.push(Event{e.to, 0, EventKind::Probe, 0, 0, 0});
    }
  }

  for (NodeId id = 1; id <= total_; ++id) {
    nodes_[id].core = build_core(id);
    // The store is a service, not a peer: it never follows a leader's beat.
    if (scenario.defer_input && id != store_id_) {
      nodes_[id].beat = BeatSchedule::for_tick_ms(scenario.tick_ms);
    }
    status_[id] = nodes_[id].core->status();
    active_[id] = 1;
    start_timers(id);
  }
  if (store_id_ != kNoNode && tracing_) {
    std::string note = "n";  // (built piecewise: GCC 12 -Wrestrict misfires on "n" + string)
    note += std::to_string(store_id_);
    note += " is the simulated store";
    record({now_, TraceKind::Note, 0, 0, 0, 0, 0, 0, own(std::move(note))});
  }
  for (NodeId id = 1; id <= total_; ++id) {
    if (nodes_[id].core->has_output()) drain_output(id);
  }
}

std::unique_ptr<Elector> Simulation::build_core(NodeId id) {
  Node& node = nodes_[id];
  // Each (node, restart count) gets its own stream, independent of every other node's history.
  Rng rng(mix(elector_seed_ ^ mix(static_cast<std::uint64_t>(id) << 32 | node.restarts)));
  if (id == store_id_) return std::make_unique<store::StoreNode>(store_config(scenario_, id));
  if (options_.elector_factory) return options_.elector_factory(scenario_, id, node.persisted, rng);
  return make_elector(scenario_, id, node.persisted, rng);
}

void Simulation::start_timers(NodeId id) {
  Node& node = nodes_[id];
  node.next_tick_k = node.clock.first_after(now_, tick_us_);
  queue_.push(Event{node.clock.instant(node.next_tick_k, tick_us_), 0, EventKind::Tick, id, 0,
                    node.timer_gen});
  if (writer_us_ > 0 && id != store_id_) {
    node.next_write_k = node.clock.first_after(now_, writer_us_);
    queue_.push(Event{node.clock.instant(node.next_write_k, writer_us_), 0, EventKind::WriterFire,
                      id, 0, node.timer_gen});
  }
}

void Simulation::schedule_fault(Micros at, const Fault& fault) {
  faults_.push_back(TimedFault{at, fault});
  queue_.push(Event{at, 0, EventKind::Fault, 0, static_cast<std::uint32_t>(faults_.size() - 1), 0});
}

void Simulation::run_until(Micros until) {
  const Micros limit = std::min(until, end_);
  while (!queue_.empty() && !stopped()) {
    if (queue_.top().time > limit) break;
    const Event event = queue_.pop();
    now_ = std::max(now_, event.time);
    ++result_.events;
    handle(event);
    after_event(event.kind == EventKind::Probe);
    if ((result_.events & 0xFFF) == 0) check_message_storm();
  }
  if (!stopped()) now_ = std::max(now_, limit);
}

void Simulation::check_message_storm() {
  // A bound on everything (TigerBeetle's rule): an algorithm whose messages breed faster than they
  // are delivered would otherwise stall virtual time and eat the machine's memory. Bully at 33
  // nodes once did exactly that (an O(n^3) Coordinator storm); now it is a reported violation.
  const std::size_t in_flight = pool_.size() - free_slots_.size();
  if (in_flight > options_.max_messages_in_flight) {
    violate("message-storm", std::to_string(in_flight) + " messages in flight (limit " +
                                 std::to_string(options_.max_messages_in_flight) + ")");
  }
}

RunResult Simulation::run() {
  run_until(end_);
  return finish();
}

// ---------------------------------------------------------------------------------------------
// Events

void Simulation::handle(const Event& e) {
  switch (e.kind) {
    case EventKind::Tick:
      if (e.gen == nodes_[e.node].timer_gen && !nodes_[e.node].crashed && !nodes_[e.node].paused)
        on_tick(e.node);
      break;
    case EventKind::Deliver:
      on_deliver(e.arg, e.gen);
      break;
    case EventKind::DiskDone:
      if (e.gen == nodes_[e.node].incarnation && !nodes_[e.node].crashed) {
        // A paused node's completions are deferred: its driver thread is frozen too.
        if (nodes_[e.node].paused) {
          ++nodes_[e.node].disk_done_deferred;
        } else {
          complete_disk_write(e.node);
        }
      }
      break;
    case EventKind::Fault:
      on_fault(faults_[e.arg].fault);
      break;
    case EventKind::AutoResume:
      if (nodes_[e.node].paused && nodes_[e.node].pause_gen == e.gen) {
        record({now_, TraceKind::Fault, 0, e.node, 0, 0, 0, 0, "resume (pause ended)"});
        resume(e.node);
        maybe_cancel_failover();
      }
      break;
    case EventKind::WriterFire:
      if (e.gen == nodes_[e.node].timer_gen && !nodes_[e.node].crashed && !nodes_[e.node].paused)
        on_writer(e.node);
      break;
    case EventKind::WriteArrive:
      on_write_arrive(e.arg);
      break;
    case EventKind::Probe:
      break;
    case EventKind::ConnectionReset: {
      Node& node = nodes_[e.node];
      if (node.crashed || node.incarnation != e.gen) break;  // that connection died with it
      if (node.paused) {
        node.resets_while_paused.push_back(e.arg);
      } else {
        on_connection_reset(e.node, e.arg);
      }
      break;
    }
  }
}

void Simulation::on_tick(NodeId id) {
  run_tick(id);
  const Node& node = nodes_[id];
  queue_.push(Event{node.clock.instant(node.next_tick_k, tick_us_), 0, EventKind::Tick, id, 0,
                    node.timer_gen});
}

void Simulation::run_tick(NodeId id) {
  Node& node = nodes_[id];
  ++node.ticks;
  node.core->tick();
  if (node.core->has_output()) drain_output(id);
  update_status(id);
  read_input_after_tick(id);
  ++node.next_tick_k;
}

void Simulation::on_deliver(std::uint32_t slot, std::uint32_t sender_incarnation) {
  const Envelope& env = pool_[slot];
  const NodeId to = env.to;
  if (to < 1 || to > total_ || nodes_[to].crashed) {
    if (scenario_.down_queue_frames == 0 || !queue_for_down_node(slot, sender_incarnation, true)) {
      free_slot(slot);
    }
    return;
  }
  // A partition that formed while the message was in flight drops it too.
  if (env.from != to && links_.blocked(env.from, to)) {
    record({now_, TraceKind::DropDelivery,
            static_cast<std::uint8_t>(message_counter_slot(env.message)), to, env.from,
            message_term(env.message), 0, 0, "link blocked"});
    free_slot(slot);
    return;
  }
  Node& node = nodes_[to];
  if (node.paused) {
    node.inbox.push_back(slot);
    return;
  }
  // defer-input models the runtime, which leaves its sockets unread while the core says its input
  // can wait, and a follower's leader's heartbeats until its read on the beat. A message a node
  // addresses to itself is handed back by its driver, not read from a socket, so it is never held.
  if (scenario_.defer_input && env.from != to) {
    if (node.core->input_can_wait() && !node.held_for_beat) {
      hold_input(to, slot);
      return;
    }
    if (waits_for_beat(to, slot)) {
      hold_for_beat(to, slot);
      return;
    }
    if (!node.held.empty() && node.held_for_beat && env.from == node.beat->leader()) {
      // What does not wait is padded to wake the reader, which then reads the connection in
      // order: the heartbeats that waited on it come first, read as if they had just arrived.
      read_held_input(to, InputFate::ReadWoken);
    } else if (!node.held.empty() && !node.held_for_beat) {
      // Not reached while every change of the core is followed by maybe_read_held_input(); kept
      // so a message can never overtake one held before it.
      read_held_input(to, InputFate::ReadCannotWait);
    }
  }
  step_arrival(to, slot);
  if (!node.held.empty()) maybe_read_held_input(to);
}

void Simulation::step_message(NodeId id, std::uint32_t slot) {
  Node& node = nodes_[id];
  node.core->step(pool_[slot]);
  free_slot(slot);
  if (node.core->has_output()) drain_output(id);
  update_status(id);
}

void Simulation::on_writer(NodeId id) {
  attempt_write(id);
  Node& node = nodes_[id];
  ++node.next_write_k;
  queue_.push(Event{node.clock.instant(node.next_write_k, writer_us_), 0, EventKind::WriterFire, id,
                    0, node.timer_gen});
}

void Simulation::attempt_write(NodeId id) {
  const Status& s = status_[id];
  if (s.role != Role::Leader) return;
  if (scenario_.writer.check_lease && !s.lease_valid) return;
  ++result_.writes_attempted;
  // The resource is an extra endpoint reachable from every node: latency and loss apply,
  // partitions do not (it models shared storage outside the cluster's network).
  if (network_rng_.chance(network_.settings().loss)) {
    record({now_,
            TraceKind::Write,
            static_cast<std::uint8_t>(WriteFate::Lost),
            id,
            0,
            s.term,
            s.fence_token,
            0,
            {}});
    return;
  }
  const Micros latency = network_.latency(network_rng_);
  std::uint32_t slot;
  if (!free_writes_.empty()) {
    slot = free_writes_.back();
    free_writes_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(writes_.size());
    writes_.emplace_back();
  }
  writes_[slot] = WriteInFlight{id, s.fence_token};
  queue_.push(Event{now_ + latency, 0, EventKind::WriteArrive, id, slot, 0});
}

void Simulation::on_write_arrive(std::uint32_t slot) {
  const WriteInFlight w = writes_[slot];
  free_writes_.push_back(slot);
  const bool accept = !scenario_.writer.fencing || !resource_any_ || w.token >= resource_max_token_;
  if (!accept) {
    ++result_.writes_rejected;
    record({now_,
            TraceKind::Write,
            static_cast<std::uint8_t>(WriteFate::Rejected),
            w.writer,
            0,
            0,
            w.token,
            0,
            {}});
    return;
  }
  ++result_.writes_accepted;
  if (!resource_any_ || w.token > resource_max_token_) resource_max_token_ = w.token;
  resource_any_ = true;
  if (auto detail = fencing_.on_accepted(w.token, w.writer)) {
    ++result_.stale_writes_accepted;
    record({now_,
            TraceKind::Write,
            static_cast<std::uint8_t>(WriteFate::Stale),
            w.writer,
            0,
            0,
            w.token,
            0,
            {}});
    violate("fencing", std::move(*detail));
    return;
  }
  record({now_,
          TraceKind::Write,
          static_cast<std::uint8_t>(WriteFate::Accepted),
          w.writer,
          0,
          0,
          w.token,
          0,
          {}});
}

// ---------------------------------------------------------------------------------------------
// Node plumbing: output batches, disk, network

void Simulation::drain_output(NodeId id) {
  Node& node = nodes_[id];
  out_.clear();
  node.core->take_output(out_);
  for (const CoreEvent& ev : out_.events) {
    switch (ev.kind) {
      case CoreEventKind::CampaignStarted:
        ++result_.elections;
        if (term_seen_.insert(ev.term).second) ++result_.terms_started;
        break;
      case CoreEventKind::PreVoteStarted:
        ++result_.pre_vote_rounds;
        break;
      case CoreEventKind::BecameLeader:
        ++result_.leaders_elected;
        break;
      case CoreEventKind::TransferStarted:
        node.transfer_in_flight = true;
        break;
      case CoreEventKind::TransferAborted:
        node.transfer_in_flight = false;
        break;
      default:
        break;
    }
    if (ev.kind == CoreEventKind::BecameLeader) continue;  // the Leadership record says it better
    record({now_, TraceKind::Core, static_cast<std::uint8_t>(ev.kind), id, ev.peer, ev.term,
            ev.value, 0, ev.reason});
  }
  for (const LeadershipChange& change : out_.leadership) {
    record({now_,
            TraceKind::Leadership,
            0,
            id,
            0,
            change.term,
            change.gained ? 1u : 0u,
            change.fence_token,
            {}});
  }
  // Early messages promise nothing durable: they leave now, in parallel with the write.
  for (const Envelope& env : out_.early_messages) send(env);
  // Persist before send. Immediate when the disk is idle and writes take no time, or when the batch
  // has nothing to write and nothing is queued ahead of it; otherwise queue behind earlier batches.
  const bool disk_idle = node.disk.empty();
  const bool instant_disk = scenario_.disk.latency_ms_max <= 0;
  if (disk_idle && (!out_.hard_state || instant_disk)) {
    if (out_.hard_state) {
      node.persisted = *out_.hard_state;
      record({now_,
              TraceKind::Persist,
              0,
              id,
              node.persisted.voted_for,
              node.persisted.term,
              0,
              0,
              {}});
    }
    for (const Envelope& env : out_.messages) send(env);
    return;
  }
  Batch batch;
  batch.hard_state = out_.hard_state;
  batch.slots.reserve(out_.messages.size());
  for (const Envelope& env : out_.messages) batch.slots.push_back(alloc_slot(env));
  if (batch.hard_state) {
    const Micros lo = ms_to_micros(scenario_.disk.latency_ms_min);
    const Micros hi = std::max(lo, ms_to_micros(scenario_.disk.latency_ms_max));
    const Micros latency = static_cast<Micros>(
        disk_rng_.uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
    // One serial disk: a write cannot complete before the one queued ahead of it.
    node.disk_free_at = std::max(now_ + latency, node.disk_free_at);
    queue_.push(Event{node.disk_free_at, 0, EventKind::DiskDone, id, 0, node.incarnation});
  }
  node.disk.push_back(std::move(batch));
}

void Simulation::complete_disk_write(NodeId id) {
  Node& node = nodes_[id];
  // The front batch is the write that completed; batches behind it without a write go with it.
  bool first = true;
  while (!node.disk.empty() && (first || !node.disk.front().hard_state)) {
    Batch batch = std::move(node.disk.front());
    node.disk.pop_front();
    if (batch.hard_state) {
      node.persisted = *batch.hard_state;
      record({now_,
              TraceKind::Persist,
              0,
              id,
              node.persisted.voted_for,
              node.persisted.term,
              0,
              0,
              {}});
    }
    for (std::uint32_t slot : batch.slots) {
      const Envelope env = pool_[slot];
      free_slot(slot);
      send(env);
    }
    first = false;
  }
}

std::uint32_t Simulation::alloc_slot(const Envelope& envelope, bool wakes) {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    pool_[slot] = envelope;
    wakes_[slot] = wakes;
    return slot;
  }
  pool_.push_back(envelope);
  wakes_.push_back(wakes);
  return static_cast<std::uint32_t>(pool_.size() - 1);
}

void Simulation::send(const Envelope& env) {
  if (env.from == env.to) {
    // A message a node addresses to itself (its own durable vote) is handed back by its driver:
    // no network, no latency, not counted as traffic.
    queue_.push(Event{now_, 0, EventKind::Deliver, env.to, alloc_slot(env), 0});
    return;
  }
  // As the runtime's sender decides: during a hand-over everything it sends wakes its receiver.
  const bool wakes = scenario_.defer_input && nodes_[env.from].transfer_in_flight;
  const std::size_t slot_kind = message_counter_slot(env.message);
  ++result_.messages_sent[slot_kind];
  if (is_election_message(env.message)) ++result_.election_messages;
  TraceRecord r{now_,
                TraceKind::Send,
                static_cast<std::uint8_t>(slot_kind),
                env.from,
                env.to,
                message_term(env.message),
                0,
                0,
                {}};
  if (env.to < 1 || env.to > total_ || links_.blocked(env.from, env.to)) {
    r.value = static_cast<std::uint64_t>(SendFate::Blocked);
    record(r);
    return;
  }
  const Delivery d = network_.draw(network_rng_);
  if (d.lost) {
    r.value = static_cast<std::uint64_t>(SendFate::Lost);
    record(r);
    return;
  }
  if (scenario_.down_queue_frames > 0 && nodes_[env.to].crashed) {
    // down-queue: the sender's connection to a crashed node is down, so the message waits in its
    // queue at once (in send order; a delivery would let later ones overtake it on the restart).
    const std::uint32_t slot = alloc_slot(env, wakes);
    note_sent(slot);
    if (queue_for_down_node(slot, nodes_[env.from].incarnation, false)) {
      r.value = static_cast<std::uint64_t>(SendFate::Queued);
      record(r);
      return;
    }
    free_slot(slot);  // not a queue the transport keeps: on its way, to be dropped on arrival
  }
  r.value = static_cast<std::uint64_t>(d.duplicated ? SendFate::Duplicated : SendFate::Sent);
  record(r);
  // down-queue: the sender's incarnation rides along, so a message from a life that has since
  // crashed is not queued on arrival; and nothing overtakes what was re-sent ahead of it.
  const std::uint32_t incarnation = nodes_[env.from].incarnation;
  Micros not_before = 0;
  if (!nodes_[env.to].down_queues.empty()) {
    if (const DownQueue* queue = down_queue(env.from, env.to, false))
      not_before = queue->resent_until;
  }
  const std::uint32_t slot = alloc_slot(env, wakes);
  note_sent(slot);
  const Micros arrives = std::max(now_ + d.latency_us, not_before);
  queue_.push(Event{arrives, 0, EventKind::Deliver, env.to, slot, incarnation});
  Micros last = arrives;
  if (d.duplicated) {
    const std::uint32_t copy = alloc_slot(env, wakes);
    note_sent(copy);
    const Micros copy_arrives = std::max(now_ + d.duplicate_latency_us, not_before);
    queue_.push(Event{copy_arrives, 0, EventKind::Deliver, env.to, copy, incarnation});
    last = std::max(last, copy_arrives);
  }
  if (!last_arrival_.empty()) {
    Micros& pair_last = last_arrival_[env.from * (total_ + 1) + env.to];
    pair_last = std::max(pair_last, last);
  }
}

void Simulation::update_status(NodeId id) {
  const Status s = nodes_[id].core->status();
  if (s.role != Role::Leader) nodes_[id].transfer_in_flight = false;  // handed over, or deposed
  Status& old = status_[id];
  const bool changed = s.role != old.role || s.term != old.term || s.leader != old.leader ||
                       s.lease_valid != old.lease_valid || s.fence_token != old.fence_token;
  old = s;
  if (!changed) return;
  dirty_ = true;
  if (s.role == Role::Leader) {
    if (auto detail = election_safety_.on_leader(id, s.term))
      violate("election-safety", std::move(*detail));
  }
}

}  // namespace baton::sim
