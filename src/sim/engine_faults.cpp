// The simulation engine, part 2: the fault schedule (targets, partitions, crashes, pauses,
// cuts) and the failover timer a fault starts. Part 1 is engine.cpp, part 3 engine_checks.cpp.
#include "sim/engine.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace baton::sim {
namespace {

const char* fault_name(Fault::Kind kind) {
  switch (kind) {
    case Fault::Kind::Crash:
      return "crash";
    case Fault::Kind::CrashWipe:
      return "crash+wipe";
    case Fault::Kind::Restart:
      return "restart";
    case Fault::Kind::Pause:
      return "pause";
    case Fault::Kind::Resume:
      return "resume";
    case Fault::Kind::Isolate:
      return "isolate";
    case Fault::Kind::Partition:
      return "partition";
    case Fault::Kind::Cut:
      return "cut";
    case Fault::Kind::Heal:
      return "heal";
    case Fault::Kind::SetLoss:
      return "set loss";
    case Fault::Kind::SetDuplicate:
      return "set duplicate";
    case Fault::Kind::SetLatency:
      return "set latency";
    case Fault::Kind::Resign:
      return "resign";
    case Fault::Kind::Transfer:
      return "transfer";
    case Fault::Kind::Reset:
      return "reset";
  }
  return "fault";
}

std::string node_list(const std::vector<NodeId>& ids) {
  std::string s;
  for (NodeId id : ids) {
    if (!s.empty()) s += ",";
    s += 'n';  // (appended piecewise: GCC 12 -Wrestrict misfires on "n" + std::to_string)
    s += std::to_string(id);
  }
  return s.empty() ? "nobody" : s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Faults

NodeId Simulation::current_leader() const {
  // The leader the cluster acknowledges, even while it is paused: "crash the leader" during a
  // pause means that node, not a stale leader of an older term that happens to be running.
  if (ack_ && live(ack_->first)) return ack_->first;
  NodeId best = kNoNode;
  for (NodeId id = 1; id <= n_; ++id) {
    if (!active(id) || status_[id].role != Role::Leader) continue;
    if (best == kNoNode || status_[id].term > status_[best].term) best = id;
  }
  return best;
}

std::vector<NodeId> Simulation::resolve(const Target& target, const std::vector<NodeId>& exclude) {
  std::vector<NodeId> out;
  auto excluded = [&](NodeId id) {
    return std::find(exclude.begin(), exclude.end(), id) != exclude.end();
  };
  switch (target.kind) {
    case Target::Kind::Node:
      if (target.node >= 1 && target.node <= n_) out.push_back(target.node);
      break;
    case Target::Kind::Leader:
      if (NodeId l = current_leader(); l != kNoNode) out.push_back(l);
      break;
    case Target::Kind::Follower:
    case Target::Kind::Random: {
      const NodeId leader = target.kind == Target::Kind::Follower ? current_leader() : kNoNode;
      std::vector<NodeId> pool;
      for (NodeId id = 1; id <= n_; ++id) {
        if (live(id) && id != leader) pool.push_back(id);
      }
      if (!pool.empty()) out.push_back(pool[fault_rng_.uniform(0, pool.size() - 1)]);
      break;
    }
    case Target::Kind::Crashed:
      for (NodeId id = 1; id <= n_; ++id) {
        if (nodes_[id].crashed) out.push_back(id);
      }
      break;
    case Target::Kind::Paused:
      for (NodeId id = 1; id <= n_; ++id) {
        if (nodes_[id].paused) out.push_back(id);
      }
      break;
    case Target::Kind::All:
    case Target::Kind::Others:
      for (NodeId id = 1; id <= n_; ++id) {
        if (!excluded(id)) out.push_back(id);
      }
      // "Everyone else" includes the store: a one-way cut of the others cuts the store too.
      if (target.kind == Target::Kind::Others && store_id_ != kNoNode && !excluded(store_id_)) {
        out.push_back(store_id_);
      }
      break;
    case Target::Kind::Store:
      if (store_id_ != kNoNode) out.push_back(store_id_);
      break;
    case Target::Kind::Minority:
      if (!last_partition_.empty()) {
        auto smallest =
            std::min_element(last_partition_.begin(), last_partition_.end(),
                             [](const auto& a, const auto& b) { return a.size() < b.size(); });
        out = *smallest;
      }
      break;
  }
  return out;
}

void Simulation::apply_partition(const Fault& fault) {
  // Groups are resolved in order, each role target exactly once (Follower/Random draw from the
  // fault stream); `others` takes every node not named in any other group. Nodes not named
  // anywhere (and with no `others` group) form one extra group of their own.
  std::vector<std::vector<NodeId>> resolved(fault.groups.size());
  std::vector<NodeId> named;
  for (std::size_t g = 0; g < fault.groups.size(); ++g) {
    for (const Target& t : fault.groups[g]) {
      if (t.kind == Target::Kind::Others) continue;
      for (NodeId id : resolve(t)) {
        resolved[g].push_back(id);
        named.push_back(id);
      }
    }
  }
  for (std::size_t g = 0; g < fault.groups.size(); ++g) {
    for (const Target& t : fault.groups[g]) {
      if (t.kind != Target::Kind::Others) continue;
      for (NodeId id : resolve(t, named)) resolved[g].push_back(id);
    }
  }
  std::vector<std::uint32_t> group_of(total_ + 1, 0);
  std::vector<std::vector<NodeId>> groups;
  for (const auto& candidates : resolved) {
    std::vector<NodeId> members;
    for (NodeId id : candidates) {
      if (group_of[id] == 0) {
        group_of[id] = static_cast<std::uint32_t>(groups.size() + 1);
        members.push_back(id);
      }
    }
    if (!members.empty()) groups.push_back(std::move(members));
  }
  std::vector<NodeId> rest;
  for (NodeId id = 1; id <= n_; ++id) {
    if (group_of[id] == 0) rest.push_back(id);
  }
  if (!rest.empty()) {
    for (NodeId id : rest) group_of[id] = static_cast<std::uint32_t>(groups.size() + 1);
    groups.push_back(rest);
  }
  if (store_id_ != kNoNode && group_of[store_id_] == 0 && !groups.empty()) {
    // A store named nowhere stays with the largest side, as a replicated store keeps its quorum
    // there: the minority loses the store along with the majority.
    std::size_t largest = 0;
    for (std::size_t g = 1; g < groups.size(); ++g) {
      if (groups[g].size() > groups[largest].size()) largest = g;
    }
    group_of[store_id_] = static_cast<std::uint32_t>(largest + 1);
    groups[largest].push_back(store_id_);
  }
  links_.set_partition(group_of);
  last_partition_ = groups;
}

bool Simulation::leader_cut_off(NodeId leader) const {
  return links_.reachable_from(leader) < majority() || links_.reachable_to(leader) < majority();
}

void Simulation::on_fault(const Fault& fault) {
  const std::optional<std::pair<NodeId, Term>> ack_before = ack_;
  const NodeId leader_now = current_leader();
  std::vector<NodeId> targets;
  for (const Target& t : fault.targets) {
    for (NodeId id : resolve(t)) {
      if (std::find(targets.begin(), targets.end(), id) == targets.end()) targets.push_back(id);
    }
  }
  std::string text = fault_name(fault.kind);
  bool hit_leader = false;  // the fault took the acknowledged leader out (starts a failover timer)
  const NodeId acked = ack_before ? ack_before->first : kNoNode;
  auto describe_targets = [&] {
    // (appended piecewise: GCC 12 -Wrestrict misfires on " " + std::string)
    text += ' ';
    text += node_list(targets);
    if (acked != kNoNode && std::find(targets.begin(), targets.end(), acked) != targets.end()) {
      text += " (the leader)";
    }
  };
  const bool needs_leader_target =
      std::any_of(fault.targets.begin(), fault.targets.end(),
                  [](const Target& t) { return t.kind == Target::Kind::Leader; });
  if (needs_leader_target && leader_now == kNoNode && fault.kind != Fault::Kind::Transfer) {
    record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text + " skipped: no leader")});
    return;
  }

  switch (fault.kind) {
    case Fault::Kind::Crash:
    case Fault::Kind::CrashWipe:
      describe_targets();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      for (NodeId id : targets) {
        if (nodes_[id].crashed) continue;
        crash(id, fault.kind == Fault::Kind::CrashWipe);
        hit_leader |= id == acked;
      }
      break;
    case Fault::Kind::Restart:
      describe_targets();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      for (NodeId id : targets) {
        if (nodes_[id].crashed) restart(id);
      }
      break;
    case Fault::Kind::Pause:
      describe_targets();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      for (NodeId id : targets) {
        if (!live(id) || nodes_[id].paused) continue;
        pause(id, fault.duration);
        hit_leader |= id == acked;
      }
      break;
    case Fault::Kind::Resume:
      describe_targets();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      for (NodeId id : targets) {
        if (nodes_[id].paused) resume(id);
      }
      break;
    case Fault::Kind::Isolate:
      describe_targets();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      for (NodeId id : targets) links_.isolate(id);
      hit_leader = acked != kNoNode && leader_cut_off(acked);
      break;
    case Fault::Kind::Partition: {
      apply_partition(fault);
      for (const auto& g : last_partition_) text += " {" + node_list(g) + "}";
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      hit_leader = acked != kNoNode && leader_cut_off(acked);
      break;
    }
    case Fault::Kind::Cut: {
      std::vector<NodeId> from = resolve(fault.from);
      std::vector<NodeId> to = resolve(fault.to, from);
      if (fault.from.kind == Target::Kind::Others) from = resolve(fault.from, to);
      for (NodeId a : from) {
        for (NodeId b : to) {
          if (a == b) continue;
          links_.cut(a, b);
          if (fault.both_ways) links_.cut(b, a);
        }
      }
      text += ' ';
      text += node_list(from);
      text += fault.both_ways ? " <-> " : " -> ";
      text += node_list(to);
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      hit_leader = acked != kNoNode && leader_cut_off(acked);
      break;
    }
    case Fault::Kind::Heal:
      links_.heal();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      break;
    case Fault::Kind::SetLoss:
      network_.settings().loss = fault.value;
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0,
              own(text + " " + std::to_string(fault.value))});
      break;
    case Fault::Kind::SetDuplicate:
      network_.settings().duplicate = fault.value;
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0,
              own(text + " " + std::to_string(fault.value))});
      break;
    case Fault::Kind::SetLatency:
      network_.settings().model = LatencyModel::Uniform;
      network_.settings().latency_ms_min = fault.value;
      network_.settings().latency_ms_max = std::max(fault.value, fault.value2);
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0,
              own(text + " " + std::to_string(fault.value) + "-" + std::to_string(fault.value2) +
                  "ms")});
      break;
    case Fault::Kind::Reset:
      describe_targets();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      for (NodeId id : targets) {
        if (!nodes_[id].crashed && !last_arrival_.empty()) schedule_connection_resets(id, true);
      }
      break;
    case Fault::Kind::Resign:
      describe_targets();
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0, own(text)});
      for (NodeId id : targets) {
        if (!active(id)) continue;
        const RequestResult r = nodes_[id].core->resign();
        if (nodes_[id].core->has_output()) drain_output(id);
        update_status(id);
        maybe_read_held_input(id);  // a leader that resigned no longer lets its input wait
        follow_beat(id);
        hit_leader |= id == acked && r == RequestResult::Ok;
      }
      break;
    case Fault::Kind::Transfer: {
      // From: an explicit node if given, else the current leader. To: the target resolved now.
      const NodeId from = fault.from.kind == Target::Kind::Node && fault.from.node != kNoNode
                              ? fault.from.node
                              : leader_now;
      const std::vector<NodeId> to = resolve(fault.to, {from});
      if (from == kNoNode || !active(from) || to.empty()) {
        record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0,
                own(text + " skipped: no leader or no target")});
        break;
      }
      const RequestResult r = nodes_[from].core->transfer(to.front());
      record({now_, TraceKind::Fault, 0, 0, 0, 0, 0, 0,
              own(text + " n" + std::to_string(from) + " -> n" + std::to_string(to.front()) + ": " +
                  std::string(to_string(r)))});
      if (nodes_[from].core->has_output()) drain_output(from);
      update_status(from);
      maybe_read_held_input(from);  // a transfer waits for the target's answer, not a heartbeat
      follow_beat(from);
      hit_leader = from == acked && r == RequestResult::Ok;
      break;
    }
  }
  if (hit_leader && !failover_) {
    failover_ = FailoverTimer{now_, ack_before->first, ack_before->second};
  }
  if (fault.kind == Fault::Kind::Resume || fault.kind == Fault::Kind::Heal) maybe_cancel_failover();
}

void Simulation::maybe_cancel_failover() {
  if (!failover_) return;
  // Cancel only if the fault that hit the leader is undone: the leader runs again and can reach
  // and hear a majority. An unrelated heal or resume must not cancel a failover still under way.
  const NodeId leader = failover_->leader;
  if (!active(leader) || leader_cut_off(leader)) return;
  // If the same leadership is still acknowledged and nobody moved on to a higher term, no failover
  // happened. The acknowledged leader is computed locally: after_event() owns ack_ and must still
  // see any change this event made, or it would miss (and never record) a new leader.
  const auto ack = compute_ack(nullptr);
  if (!ack || ack->first != leader || ack->second != failover_->term) return;
  for (NodeId id = 1; id <= n_; ++id) {
    if (live(id) && status_[id].term > failover_->term) return;
  }
  failover_.reset();
  record({now_, TraceKind::Note, 0, 0, 0, 0, 0, 0,
          "failover cancelled: the fault was undone in time"});
}

}  // namespace baton::sim
