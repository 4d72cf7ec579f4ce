// The default fault mix. The generator keeps a rough model of what it has broken so it never takes
// down more than a minority at once: the point is to test safety under faults Raft claims to
// tolerate, and to demand liveness once a quorum is back (TigerBeetle's VOPR: safety phase, then a
// healed liveness phase). Role targets resolve when the fault fires, so the model is approximate.
#include "sim/nemesis.hpp"

#include <algorithm>
#include <numeric>

namespace baton::sim {
namespace {

enum class Kind { Crash, CrashWipe, Partition, OneWay, Loss, Pause };

Micros uniform_ms(Rng& rng, double lo_ms, double hi_ms) {
  return ms_to_micros(lo_ms + (hi_ms - lo_ms) * rng.unit());
}

Target role(Target::Kind kind) {
  return Target{kind, kNoNode};
}

class Generator {
 public:
  Generator(const Scenario& s, Rng& rng)
      : s_(s),
        rng_(rng),
        heal_at_(static_cast<Micros>(static_cast<double>(s.duration) *
                                     (1.0 - s.nemesis.heal_fraction))) {}

  std::vector<TimedFault> run() {
    const NemesisSettings& n = s_.nemesis;
    if (!n.enabled) return {};
    // The first fault comes one interval in, so the cluster usually has a leader to hurt.
    for (Micros t = next_interval(); t < heal_at_; t += next_interval()) step(t);
    add_heal_set();
    std::stable_sort(out_.begin(), out_.end(),
                     [](const TimedFault& a, const TimedFault& b) { return a.at < b.at; });
    return std::move(out_);
  }

 private:
  Micros next_interval() {
    return std::max<Micros>(
        1, uniform_ms(rng_, s_.nemesis.interval_ms_min, s_.nemesis.interval_ms_max));
  }

  /// Nodes down (crashed or paused) at `t`, by the generator's own bookkeeping.
  std::size_t down_at(Micros t) const {
    return static_cast<std::size_t>(
        std::count_if(down_until_.begin(), down_until_.end(), [&](Micros u) { return u > t; }));
  }

  void add(Micros at, Fault fault) {
    // Undo steps that would land in the liveness phase are covered by the heal set.
    if (at < heal_at_) out_.push_back(TimedFault{at, std::move(fault)});
  }

  void step(Micros t) {
    const NemesisSettings& n = s_.nemesis;
    const std::size_t minority = (s_.nodes - 1) / 2;
    const bool can_take_down = down_at(t) < minority;
    const bool network_free = network_until_ <= t;
    std::vector<Kind> kinds;
    if (n.crashes && can_take_down) kinds.push_back(Kind::Crash);
    if (n.disk_loss && can_take_down) kinds.push_back(Kind::CrashWipe);
    if (n.partitions && network_free && minority >= 1) kinds.push_back(Kind::Partition);
    if (n.one_way && network_free && s_.nodes >= 2) kinds.push_back(Kind::OneWay);
    if (n.loss && loss_until_ <= t) kinds.push_back(Kind::Loss);
    if (n.pauses && can_take_down) kinds.push_back(Kind::Pause);
    if (kinds.empty()) return;
    switch (kinds[rng_.uniform(0, kinds.size() - 1)]) {
      case Kind::Crash:
        crash(t, Fault::Kind::Crash);
        break;
      case Kind::CrashWipe:
        crash(t, Fault::Kind::CrashWipe);
        break;
      case Kind::Partition:
        partition(t);
        break;
      case Kind::OneWay:
        one_way(t);
        break;
      case Kind::Loss:
        loss_burst(t);
        break;
      case Kind::Pause:
        pause(t);
        break;
    }
  }

  Target leader_or_follower() {
    return role(rng_.chance(0.5) ? Target::Kind::Leader : Target::Kind::Follower);
  }

  void crash(Micros t, Fault::Kind kind) {
    Fault f;
    f.kind = kind;
    f.targets = {leader_or_follower()};
    add(t, f);
    const Micros back = t + uniform_ms(rng_, 100, 2000);
    Fault restart;
    restart.kind = Fault::Kind::Restart;
    restart.targets = {role(Target::Kind::Crashed)};
    add(back, restart);
    down_until_.push_back(back);
  }

  void pause(Micros t) {
    Fault f;
    f.kind = Fault::Kind::Pause;
    f.targets = {leader_or_follower()};
    f.duration = uniform_ms(rng_, 50, 1500);
    add(t, f);
    down_until_.push_back(t + f.duration);
  }

  void partition(Micros t) {
    // A random split: a minority of 1..(n-1)/2 nodes against the rest. The leader is in the
    // minority only by chance, which exercises both "leader keeps quorum" and "leader cut off".
    std::vector<NodeId> ids(s_.nodes);
    std::iota(ids.begin(), ids.end(), NodeId{1});
    for (std::size_t i = ids.size() - 1; i > 0; --i) {  // Fisher-Yates with our own Rng
      std::swap(ids[i], ids[rng_.uniform(0, i)]);
    }
    const std::size_t small = rng_.uniform(1, (s_.nodes - 1) / 2);
    Fault f;
    f.kind = Fault::Kind::Partition;
    f.groups.resize(2);
    for (std::size_t i = 0; i < ids.size(); ++i) {
      f.groups[i < small ? 0 : 1].push_back(Target{Target::Kind::Node, ids[i]});
    }
    for (auto& group : f.groups) {
      std::sort(group.begin(), group.end(),
                [](const Target& a, const Target& b) { return a.node < b.node; });
    }
    add(t, f);
    heal_network_later(t);
  }

  void one_way(Micros t) {
    // Leader deaf (others -> leader cut: heartbeats go out, replies do not come back) or leader
    // mute (leader -> others cut: followers time out while the leader still hears them).
    Fault f;
    f.kind = Fault::Kind::Cut;
    const bool leader_mute = rng_.chance(0.5);
    f.from = role(leader_mute ? Target::Kind::Leader : Target::Kind::Others);
    f.to = role(leader_mute ? Target::Kind::Others : Target::Kind::Leader);
    add(t, f);
    heal_network_later(t);
  }

  void heal_network_later(Micros t) {
    network_until_ = t + uniform_ms(rng_, 200, 3000);
    Fault heal;
    heal.kind = Fault::Kind::Heal;
    add(network_until_, heal);
  }

  void loss_burst(Micros t) {
    Fault f;
    f.kind = Fault::Kind::SetLoss;
    f.value = 0.05 + 0.25 * rng_.unit();
    add(t, f);
    loss_until_ = t + uniform_ms(rng_, 200, 3000);
    Fault restore;
    restore.kind = Fault::Kind::SetLoss;
    restore.value = s_.network.loss;
    add(loss_until_, restore);
  }

  /// The liveness phase starts with everything undone.
  void add_heal_set() {
    Fault heal;
    heal.kind = Fault::Kind::Heal;
    Fault restart;
    restart.kind = Fault::Kind::Restart;
    restart.targets = {role(Target::Kind::Crashed)};
    Fault resume;
    resume.kind = Fault::Kind::Resume;
    resume.targets = {role(Target::Kind::Paused)};
    Fault loss;
    loss.kind = Fault::Kind::SetLoss;
    loss.value = s_.network.loss;
    for (auto& f : {heal, restart, resume, loss}) out_.push_back(TimedFault{heal_at_, f});
  }

  const Scenario& s_;
  Rng& rng_;
  Micros heal_at_;
  std::vector<Micros> down_until_;
  Micros network_until_ = 0;
  Micros loss_until_ = 0;
  std::vector<TimedFault> out_;
};

}  // namespace

std::vector<TimedFault> generate_nemesis(const Scenario& scenario, Rng& rng) {
  return Generator(scenario, rng).run();
}

}  // namespace baton::sim
