#include "runtime/node_impl.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <set>

#include "core/message.hpp"
#include "core/routine_traffic.hpp"
#include "net/codec.hpp"
#include "net/frame.hpp"
#include "runtime/elector_settings.hpp"
#include "runtime/transfer_choice.hpp"

namespace baton {
namespace {

using Clock = std::chrono::steady_clock;

/// The longest the loop sleeps without a due tick: it refreshes the published view (peer
/// connectivity) on waking, so this bounds how stale that view can get on a quiet node.
constexpr std::chrono::milliseconds kMaxSleep{100};

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RequestOutcome outcome_of(RequestResult result) {
  switch (result) {
    case RequestResult::Ok:
      return RequestOutcome::Ok;
    case RequestResult::NotLeader:
      return RequestOutcome::NotLeader;
    case RequestResult::UnknownPeer:
      return RequestOutcome::UnknownPeer;
    case RequestResult::NotEligible:
      return RequestOutcome::NotEligible;
    case RequestResult::AlreadyLeader:
      return RequestOutcome::AlreadyLeader;
    case RequestResult::NotSupported:
      return RequestOutcome::NotSupported;
  }
  return RequestOutcome::NotSupported;
}

}  // namespace

Node::Impl::Impl(Node& owner, NodeOptions options)
    : owner_(owner),
      options_(std::move(options)),
      settings_(runtime::settings_of(options_)),
      ticks_(std::chrono::duration_cast<Clock::duration>(
                 std::chrono::duration<double, std::milli>(settings_.tick_ms)),
             kMaxSleep),
      tick_timer_(io_),
      beats_(BeatSchedule::for_tick_ms(settings_.tick_ms)) {
  if (options_.data_dir.empty()) throw NodeError("data dir is not set");
  LeadershipEvent initial;
  initial.node = options_.id;
  initial.at = Clock::now();
  initial.unix_ms = unix_ms_now();
  hub_.set_initial(initial);
  metrics_.heartbeat_rtt_bucket_bounds_seconds = runtime::RttTracker::bounds_seconds();
  metrics_.heartbeat_rtt_bucket_counts.assign(metrics_.heartbeat_rtt_bucket_bounds_seconds.size(),
                                              0);
  for (const auto& [peer, address] : options_.peers) {
    (void)address;
    metrics_.peer_connected[peer] = false;
  }
}

Node::Impl::~Impl() {
  stop();
}

void Node::Impl::log(const char* level, const std::string& message) const {
  if (options_.log) {
    options_.log(level, message);
  } else {
    std::cerr << "baton node " << options_.id << " " << level << ": " << message << "\n";
  }
}

void Node::Impl::start() {
  if (running_.exchange(true)) return;
  hard_state_file_ = std::make_unique<storage::HardStateFile>(options_.data_dir);
  HardState restored;
  try {
    if (auto loaded = hard_state_file_->load()) restored = *loaded;
  } catch (const storage::StorageError& error) {
    running_ = false;
    throw NodeError(std::string("cannot start: ") + error.what());
  }
  std::random_device entropy;  // jitter only; the runtime is not meant to replay
  const std::uint64_t seed = (std::uint64_t{entropy()} << 32) ^ entropy() ^ options_.id;
  core_ = runtime::make_runtime_elector(settings_, options_.id, restored, seed);

  net::TransportConfig transport;
  transport.self = options_.id;
  transport.cluster_id = options_.cluster_id;
  transport.listen = options_.listen;
  transport.peers = options_.peers;
  net::TcpTransport::Handlers handlers;
  handlers.on_frame = [this](NodeId from, std::string_view payload) { on_frame(from, payload); };
  handlers.on_incoming_lost = [this](NodeId from) { on_incoming_lost(from); };
  handlers.on_malformed = [this](NodeId peer, const std::string& what) {
    note_malformed(peer, what);
  };
  try {
    transport_ = std::make_unique<net::TcpTransport>(io_, transport, std::move(handlers));
    transport_->start();
  } catch (const std::exception& error) {
    running_ = false;
    transport_.reset();
    throw NodeError(std::string("cannot start: ") + error.what());
  }
  {
    std::lock_guard lock(mu_);
    peer_port_ = transport_->local_port();
  }
  log("info", "node " + std::to_string(options_.id) + " (" + settings_.algorithm +
                  ") listening on port " + std::to_string(peer_port_) + ", term " +
                  std::to_string(restored.term));
  ticks_.start(Clock::now());
  publish();
  work_.emplace(io_.get_executor());
  arm_tick_timer();
  thread_ = std::thread([this] { io_.run(); });
}

void Node::Impl::stop() {
  if (!running_.exchange(false)) return;
  stopping_ = true;
  asio::post(io_, [this] {
    tick_timer_.cancel();
    if (transport_) transport_->stop();
    work_.reset();
  });
  if (thread_.joinable()) thread_.join();
  transport_.reset();
  hub_.close_all();
}

void Node::Impl::fail(const std::string& what) {
  // Nothing that depends on an unwritten vote may leave; the node stops rather than go on.
  log("error", what + "; stopping the node");
  tick_timer_.cancel();
  if (transport_) transport_->stop();
  work_.reset();
  io_.stop();
  hub_.close_all();
}

void Node::Impl::arm_tick_timer() {
  // Sleep until the core's next due tick (an idle follower wakes for its election timer, not 1000
  // times a second), but never longer than kMaxSleep so the published view stays fresh.
  std::uint64_t due = core_->ticks_until_due();
  if (beat_read_pending()) {
    const std::uint64_t at = *beats_.read_at();
    due = std::min(due, at > ticks_.ticks_done() ? at - ticks_.ticks_done() : 1);
  }
  const auto wake_at = ticks_.arm(due);
  if (!wake_at) return;
  tick_timer_.expires_at(*wake_at);
  tick_timer_.async_wait([this](const asio::error_code& error) {
    if (error || stopping_) return;  // re-armed (or stopping): the new wait is in charge
    ticks_.fired();
    on_tick();
  });
}

void Node::Impl::on_tick() {
  // Runs every tick the monotonic clock says has passed: the timer slept through ticks the core
  // said would do nothing, or fired late (a process paused by SIGSTOP wakes many ticks late). A
  // leader's lease is counted in ticks, so skipping them would stretch it.
  with_current_ticks([] {});
  // What waited is handed over in this same wake-up: a leader's answers, at every wake-up (the
  // core said input_can_wait(), so the tick just run acted the same without them); a follower's
  // heartbeats once their beat has come (a wake-up before it, for the core's timer, would take
  // them off the beat), which beat_read_pending() put before the core's due tick.
  if (!deferring_all_ && !beats_.read_due(ticks_.ticks_done())) return settle();
  reading_held_ = true;
  held_from_leader_ = false;
  const std::size_t waiting = transport_->read_deferred_input();
  reading_held_ = false;
  beats_.read(ticks_.ticks_done(), held_from_leader_);
  {
    std::lock_guard lock(mu_);
    metrics_.deferred_reads += waiting;
    metrics_.beat_misses = beats_.misses();
  }
  settle();
}

void Node::Impl::settle() {
  beats_.follow(settings_.defer_input ? core_->leader_beat() : std::nullopt);
  publish();
  arm_tick_timer();
  deferring_all_ = settings_.defer_input && core_->input_can_wait() && !rtt_sampling_;
  if (deferring_all_) {
    transport_->set_input_deferred(true);
  } else {
    transport_->set_input_deferred(beat_read_pending(), beats_.leader());
  }
}

bool Node::Impl::beat_read_pending() const {
  return beats_.holds(ticks_.ticks_done(), core_->ticks_until_due());
}

void Node::Impl::on_frame(NodeId from, std::string_view payload) {
  auto decoded = net::decode_envelope(payload);
  if (!decoded) {
    note_malformed(from, "undecodable message: " + decoded.error);
    return;
  }
  Envelope& envelope = *decoded.value;
  if (envelope.from != from || envelope.to != options_.id) {
    note_malformed(from, "message from " + std::to_string(envelope.from) + " to " +
                             std::to_string(envelope.to) + " arrived on the connection of peer " +
                             std::to_string(from));
    return;
  }
  const auto now = Clock::now();
  {
    std::lock_guard lock(mu_);
    ++received_by_slot_[message_counter_slot(envelope.message)];
    last_contact_[from] = now;
    if (const auto* response = std::get_if<raft::HeartbeatResponse>(&envelope.message)) {
      if (auto rtt = rtt_.answered(from, response->round, now)) {
        const auto& bounds = metrics_.heartbeat_rtt_bucket_bounds_seconds;
        for (std::size_t i = 0; i < bounds.size(); ++i) {
          if (*rtt <= bounds[i]) ++metrics_.heartbeat_rtt_bucket_counts[i];
        }
        ++metrics_.heartbeat_rtt_count;
        metrics_.heartbeat_rtt_sum_seconds += *rtt;
      }
    }
  }
  with_current_ticks([&] { core_->step(envelope); });
  drive();
  if (reading_held_) {
    // on_tick() settles once it has read everything held: settling here, before the beat has
    // moved on, would arm the timer for the read just done and cost a wake-up a beat.
    held_from_leader_ |= from == beats_.leader();
    return;
  }
  beats_.follow(settings_.defer_input ? core_->leader_beat() : std::nullopt);
  // Only heartbeats keep the beat: anything else is sent off it (and wakes us anyway).
  if (may_wait_for_reader(envelope.message)) beats_.arrived(from, ticks_.ticks_done());
  settle();
}

void Node::Impl::on_incoming_lost(NodeId from) {
  if (!settings_.raft.campaign_on_leader_reset) return;
  if (with_current_ticks([&] { return core_->leader_connection_lost(from); }) ==
      RequestResult::Ok) {
    log("info", "connection from leader " + std::to_string(from) + " reset; campaigning now");
    drive();
    settle();
  }
}

void Node::Impl::note_malformed(NodeId peer, const std::string& what) {
  const auto now = Clock::now();
  bool log_it = false;
  {
    std::lock_guard lock(mu_);
    ++metrics_.malformed_frames[peer];
    auto& last = last_malformed_log_[peer];
    if (last == Clock::time_point{} || now - last >= std::chrono::minutes(1)) {
      last = now;
      log_it = true;
    }
  }
  // Logged once per peer per minute, so a peer spraying garbage cannot flood the log.
  if (log_it) {
    log("warn", "dropped malformed input from " +
                    (peer == kNoNode ? std::string("an unidentified connection")
                                     : "peer " + std::to_string(peer)) +
                    ": " + what);
  }
}

void Node::Impl::drive() {
  while (core_->has_output() || !to_self_.empty()) {
    if (core_->has_output()) {
      out_.clear();
      core_->take_output(out_);
      handle(out_);
    }
    // Messages to ourselves go back into the core only after the batch's hard state is durable.
    std::vector<Envelope> pending;
    pending.swap(to_self_);
    for (const auto& envelope : pending) core_->step(envelope);
  }
}

void Node::Impl::handle(Output& out) {
  for (const auto& event : out.events) {
    if (event.kind == CoreEventKind::TransferStarted) transfer_in_flight_ = true;
    if (event.kind == CoreEventKind::TransferAborted) {
      transfer_in_flight_ = false;
      std::lock_guard lock(mu_);
      ++transfers_aborted_;
    }
  }
  for (const auto& envelope : out.early_messages) send(envelope);
  if (out.hard_state) {
    try {
      hard_state_file_->save(*out.hard_state);
    } catch (const storage::StorageError& error) {
      fail(error.what());
      return;
    }
  }
  for (const auto& envelope : out.messages) send(envelope);
  for (const auto& event : out.events) {
    switch (event.kind) {
      case CoreEventKind::CampaignStarted: {
        std::lock_guard lock(mu_);
        ++metrics_.elections_started;
        break;
      }
      case CoreEventKind::SteppedDown:
      case CoreEventKind::Resigned:
      case CoreEventKind::TransferStarted:
      case CoreEventKind::TransferAborted:
        log("info", std::string(to_string(event.kind)) + " in term " + std::to_string(event.term) +
                        (event.reason.empty() ? "" : ": " + std::string(event.reason)));
        break;
      default:
        break;
    }
  }
}

void Node::Impl::send(const Envelope& envelope) {
  if (envelope.to == options_.id) {
    to_self_.push_back(envelope);
    return;
  }
  bool sampled_beat = false;
  if (const auto* beat = std::get_if<raft::Heartbeat>(&envelope.message)) {
    const auto now = Clock::now();
    std::lock_guard lock(mu_);
    rtt_sampling_ = rtt_.sample(beat->round, now);
    rtt_.sent(envelope.to, beat->round, now);
    sampled_beat = rtt_sampling_;
  }
  {
    std::lock_guard lock(mu_);
    ++sent_by_slot_[message_counter_slot(envelope.message)];
  }
  // A sampled heartbeat wakes its follower too, so that the round trip measures the network and
  // not the follower's wait for its next read; so does one sent during a hand-over (to a target
  // that has not acked one yet), or the hand-over would wait for that read.
  const bool wake = sampled_beat || transfer_in_flight_ || !may_wait_for_reader(envelope.message);
  transport_->send(
      envelope.to,
      net::encode_envelope(envelope, wake ? net::kWakeFrameBytes - net::kFrameHeaderBytes : 0));
}

void Node::Impl::publish() {
  const Status status = core_->status();
  const auto now = Clock::now();
  const bool leading = status.role == Role::Leader;
  const NodeId leader = leading ? options_.id : status.leader;
  if (!leading) transfer_in_flight_ = false;  // handed over (or deposed): the transfer is over
  {
    std::lock_guard lock(mu_);
    core_status_ = status;
    status_time_ = now;
    // The lease is counted in ticks from the tick schedule; a tick never runs before its nominal
    // time, so the nominal deadline is never later than the core's own view of it.
    if (leading && status.lease_valid) {
      lease_until_ = ticks_.time_of(ticks_.ticks_done() + status.lease_remaining_ticks);
    } else {
      lease_until_.reset();
    }
    metrics_.is_leader = leading;
    metrics_.term = status.term;
    for (auto& [peer, connected] : metrics_.peer_connected) {
      connected = transport_ && transport_->peer_stats(peer).outgoing_connected;
    }
  }
  if (leading == was_leader_ && leader == last_leader_ && status.term == last_term_) return;

  LeadershipEvent event;
  event.node = options_.id;
  event.leader = leader;
  event.term = status.term;
  event.fence_token = leading ? status.fence_token : (leader != kNoNode ? status.term : 0);
  event.is_leader = leading;
  event.at = now;
  event.unix_ms = unix_ms_now();
  std::vector<LeadershipEvent> events;
  if (was_leader_ && !leading) {
    LeadershipEvent demoted = event;
    demoted.kind = LeadershipEventKind::Demoted;
    events.push_back(demoted);
  }
  if (leading && !was_leader_) {
    event.kind = LeadershipEventKind::Elected;
    events.push_back(event);
  } else if (!leading && leader != last_leader_) {
    event.kind =
        leader == kNoNode ? LeadershipEventKind::NoLeader : LeadershipEventKind::LeaderChanged;
    events.push_back(event);
  } else if (events.empty() && leader != kNoNode) {
    // Same leader, new term (a re-election of the same node): still a new fence token.
    event.kind = leading ? LeadershipEventKind::Elected : LeadershipEventKind::LeaderChanged;
    events.push_back(event);
  }
  if (leader != last_leader_ && leader != kNoNode) {
    std::lock_guard lock(mu_);
    ++metrics_.leader_changes;
  }
  was_leader_ = leading;
  last_leader_ = leader;
  last_term_ = status.term;
  for (auto& e : events) {
    const LeadershipEvent published = hub_.publish(e);
    log("info", std::string(to_string(published.kind)) + ": leader " +
                    std::to_string(published.leader) + ", term " + std::to_string(published.term) +
                    ", fence " + std::to_string(published.fence_token));
    switch (published.kind) {
      case LeadershipEventKind::Elected:
        if (owner_.on_elected) owner_.on_elected(published);
        break;
      case LeadershipEventKind::Demoted:
        if (owner_.on_demoted) owner_.on_demoted(published);
        break;
      default:
        break;
    }
    if (published.kind != LeadershipEventKind::Demoted && owner_.on_leader_changed) {
      owner_.on_leader_changed(published);
    }
  }
}

RequestOutcome Node::Impl::run_on_loop(std::function<RequestOutcome()> fn) {
  if (!running_ || stopping_) return RequestOutcome::NotRunning;
  auto promise = std::make_shared<std::promise<RequestOutcome>>();
  auto future = promise->get_future();
  asio::post(io_, [this, promise, fn = std::move(fn)] {
    if (!core_) {
      promise->set_value(RequestOutcome::NotRunning);
      return;
    }
    const RequestOutcome outcome = with_current_ticks(fn);
    drive();
    settle();
    promise->set_value(outcome);
  });
  if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    return RequestOutcome::NotRunning;
  }
  return future.get();
}

RequestOutcome Node::Impl::resign() {
  return run_on_loop([this] { return outcome_of(core_->resign()); });
}

RequestOutcome Node::Impl::transfer(NodeId to) {
  return run_on_loop([this, to] { return outcome_of(core_->transfer(to)); });
}

void Node::Impl::set_standing(bool standing) {
  run_on_loop([this, standing] {
    const RequestResult result = core_->set_standing(standing);
    if (result == RequestResult::NotSupported && !standing &&
        core_->status().role == Role::Leader) {
      return outcome_of(core_->resign());  // the nearest this algorithm has
    }
    return outcome_of(result);
  });
  // Published once the core has it: whoever reads "standing" in the status may at once ask the
  // leader to transfer to this node, and a core not yet standing would ignore the TimeoutNow.
  std::lock_guard lock(mu_);
  standing_ = standing;
}

bool Node::Impl::hand_over(std::chrono::milliseconds timeout) {
  if (!is_leader()) return true;
  if (options_.peers.empty()) return false;  // nobody to hand over to
  auto subscription = subscribe(64);
  const auto deadline = Clock::now() + timeout;
  const auto aborted_count = [this] {
    std::lock_guard lock(mu_);
    return transfers_aborted_;
  };
  // A target may not take over (it stopped answering, is not standing, or its campaign failed):
  // the core then aborts the transfer after its timeout and this node still leads. The next peer
  // gets its turn, so a planned stop is not left to an election timeout after this node exits.
  std::set<NodeId> tried;
  bool resigned = false;
  while (!resigned && Clock::now() < deadline && is_leader()) {
    const auto aborted_before = aborted_count();
    const NodeId target = runtime::pick_transfer_target(status(), tried).value_or(kNoNode);
    RequestOutcome outcome = RequestOutcome::UnknownPeer;
    if (target != kNoNode) {
      tried.insert(target);
      outcome = transfer(target);
      if (outcome == RequestOutcome::Ok) {
        log("info", "handing leadership over to node " + std::to_string(target));
      }
    }
    if (outcome != RequestOutcome::Ok) {
      // Step down, so the others elect without waiting out this node's heartbeats.
      log("info", target != kNoNode ? "transfer to node " + std::to_string(target) + ": " +
                                          to_string(outcome) + "; resigning"
                  : tried.empty() ? std::string("no connected peer heard from; resigning")
                                  : std::string("no peer left to hand leadership to; resigning"));
      if (resign() != RequestOutcome::Ok) return !is_leader();
      resigned = true;
    }
    while (Clock::now() < deadline) {
      const NodeId now_leader = leader();
      if (now_leader != kNoNode && now_leader != options_.id) return true;
      if (!resigned && aborted_count() != aborted_before && is_leader()) break;
      subscription->next(std::chrono::milliseconds(5));
    }
  }
  return !is_leader();
}

NodeStatus Node::Impl::status() const {
  NodeStatus s;
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  s.id = options_.id;
  s.algorithm = settings_.algorithm;
  s.role = std::string(to_string(core_status_.role));
  s.term = core_status_.term;
  s.leader = core_status_.role == Role::Leader ? options_.id : core_status_.leader;
  s.fence_token = core_status_.role == Role::Leader ? core_status_.fence_token
                  : s.leader != kNoNode             ? core_status_.term
                                                    : 0;
  s.lease_valid = lease_until_ && now < *lease_until_;
  s.lease_remaining_ms =
      s.lease_valid
          ? std::chrono::duration_cast<std::chrono::milliseconds>(*lease_until_ - now).count()
          : 0;
  s.standing = standing_;
  for (const auto& [peer, address] : options_.peers) {
    PeerStatus p;
    p.id = peer;
    p.address = address;
    const auto connected = metrics_.peer_connected.find(peer);
    p.connected = connected != metrics_.peer_connected.end() && connected->second;
    const auto contact = last_contact_.find(peer);
    if (contact != last_contact_.end()) {
      p.last_contact_ms_ago =
          std::chrono::duration_cast<std::chrono::milliseconds>(now - contact->second).count();
    }
    s.peers.push_back(p);
  }
  return s;
}

NodeMetrics Node::Impl::metrics() const {
  std::lock_guard lock(mu_);
  NodeMetrics out = metrics_;
  for (std::size_t slot = 0; slot < kMessageCounterSlots; ++slot) {
    const std::string name(message_counter_name(slot));
    if (sent_by_slot_[slot] != 0) out.messages_sent[name] = sent_by_slot_[slot];
    if (received_by_slot_[slot] != 0) out.messages_received[name] = received_by_slot_[slot];
  }
  return out;
}

bool Node::Impl::is_leader() const {
  std::lock_guard lock(mu_);
  return core_status_.role == Role::Leader;
}

NodeId Node::Impl::leader() const {
  std::lock_guard lock(mu_);
  return core_status_.role == Role::Leader ? options_.id : core_status_.leader;
}

FenceToken Node::Impl::fence_token() const {
  std::lock_guard lock(mu_);
  return core_status_.role == Role::Leader ? core_status_.fence_token : 0;
}

std::optional<Clock::time_point> Node::Impl::lease_valid_until() const {
  std::lock_guard lock(mu_);
  // Judged on the monotonic clock now, not on the last tick: a process that was paused has an
  // old snapshot that still says "valid".
  if (lease_until_ && Clock::now() < *lease_until_) return lease_until_;
  return std::nullopt;
}

std::uint16_t Node::Impl::peer_port() const {
  std::lock_guard lock(mu_);
  return peer_port_;
}

}  // namespace baton
