// ZabElector: ZAB phase 1, epoch establishment (FollowerInfo, NewEpoch, AckEpoch; ZooKeeper's
// Leader.getEpochToPropose / waitForEpochAck and Follower.registerWithLeader), and the
// established leader's keep-alive (Ping, PingAck).
#include "core/zab/zab_elector.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace baton::zab {

void ZabElector::maybe_propose_epoch(ProspectiveLeader& prospective) {
  if (prospective.epoch != 0) return;
  const auto connected = static_cast<std::size_t>(std::count_if(
      prospective.accepted.begin(), prospective.accepted.end(), [](const auto& a) { return a; }));
  if (connected < quorum()) return;
  // getEpochToPropose: above every accepted epoch of a quorum (ourselves included). Any later
  // leader's quorum intersects this one, and the intersection has accepted our epoch before it
  // reports, so epochs of successive leaders only grow.
  std::uint64_t max_accepted = 0;
  for (const auto& a : prospective.accepted) {
    if (a) max_accepted = std::max(max_accepted, *a);
  }
  prospective.epoch = max_accepted + 1;
  // We accept our own epoch like any follower, durably, before NewEpoch leaves (it is in
  // Output::messages): after a crash we must refuse this epoch from anyone else.
  hard_state_.epoch = prospective.epoch;
  hard_state_.voted_for = config_.id;
  persist();
  prospective.acked[self_index()] = true;
  for (std::size_t i = 0; i < prospective.accepted.size(); ++i) {
    if (i != self_index() && prospective.accepted[i]) {
      send(config_.members[i], NewEpoch{prospective.epoch});
    }
  }
  maybe_establish(prospective);
}

void ZabElector::maybe_establish(ProspectiveLeader& prospective) {
  const auto acked = static_cast<std::size_t>(
      std::count(prospective.acked.begin(), prospective.acked.end(), true));
  // waitForEpochAck: lead only once a quorum durably accepted the epoch. Any other leader of the
  // same epoch would need an ack from a node of this quorum, which refuses epochs <= accepted.
  if (acked >= quorum()) become_leader(prospective);
}

void ZabElector::on(NodeId from, const FollowerInfo& m) {
  const std::size_t index = index_of(from);
  if (std::holds_alternative<Looking>(role_)) {
    // The follower decided a little before us; keep its report for when we decide.
    early_follower_infos_[index] = m.accepted_epoch;
    return;
  }
  if (auto* p = std::get_if<ProspectiveLeader>(&role_)) {
    p->accepted[index] = m.accepted_epoch;
    if (p->epoch != 0) {
      send(from, NewEpoch{p->epoch});  // a follower after the quorum: it may ack too
    } else {
      maybe_propose_epoch(*p);
    }
    return;
  }
  if (auto* l = std::get_if<Leading>(&role_)) {
    if (m.accepted_epoch > l->epoch) {
      // Someone proposed a newer epoch to a quorum and this node accepted it: another leader may
      // already be established, so ours is over.
      emit(CoreEventKind::MessageIgnored, from, "follower accepted a newer epoch");
      start_looking("a follower accepted a newer epoch");
      return;
    }
    // A late follower (restarted, or cut off during the election) joins the running epoch.
    l->followers[index] = true;
    send(from, NewEpoch{l->epoch});
    return;
  }
  emit(CoreEventKind::MessageIgnored, from, "FollowerInfo while following");
}

void ZabElector::on(NodeId from, const NewEpoch& m) {
  auto* f = std::get_if<Following>(&role_);
  if (f == nullptr || from != f->leader) {
    emit(CoreEventKind::MessageIgnored, from, "NewEpoch from a node we do not follow");
    return;
  }
  if (m.epoch > hard_state_.epoch) {
    // Accept: durably, before AckEpoch leaves (Output::messages), so that after a crash we never
    // ack this epoch to another leader. Acking also makes it our current epoch: our future votes
    // carry it, so a node that missed this epoch cannot win against us.
    hard_state_.epoch = m.epoch;
    hard_state_.term = m.epoch;
    hard_state_.voted_for = from;
    persist();
  } else if (m.epoch != hard_state_.epoch || hard_state_.voted_for != from) {
    // Follower.registerWithLeader refuses a leader whose epoch is below what it accepted: that
    // leader's quorum is stale. Equal epochs from another leader would give an epoch two leaders.
    emit(CoreEventKind::VoteRejected, from, "NewEpoch not above accepted epoch", m.epoch);
    start_looking("leader proposed a stale epoch");
    return;
  }
  // (An equal epoch from the leader we accepted it from is a repeat: ack again, nothing to save.)
  if (f->epoch != m.epoch) {
    f->epoch = m.epoch;
    f->established = false;
    f->deadline_tick = now_ticks_ + config_.epoch_timeout_ticks;
  }
  send(from, AckEpoch{m.epoch});
}

void ZabElector::on(NodeId from, const AckEpoch& m) {
  const std::size_t index = index_of(from);
  if (auto* p = std::get_if<ProspectiveLeader>(&role_)) {
    if (p->epoch == 0 || m.epoch != p->epoch || !p->accepted[index]) {
      emit(CoreEventKind::MessageIgnored, from, "AckEpoch for another epoch");
      return;
    }
    p->acked[index] = true;
    maybe_establish(*p);
    return;
  }
  if (auto* l = std::get_if<Leading>(&role_); l != nullptr && m.epoch == l->epoch) {
    // A late follower accepted our epoch: ping it now so it learns we are established.
    l->followers[index] = true;
    l->last_ack_tick[index] = now_ticks_;
    send_ping(from, l->epoch);
    return;
  }
  emit(CoreEventKind::MessageIgnored, from, "AckEpoch while not establishing that epoch");
}

std::uint64_t ZabElector::quorum_lapse_tick(const Leading& leading) const {
  // tick_leading() counts follower i at tick t while t <= last_ack_tick[i] + leader_timeout_min,
  // so i stops counting at that + 1 (its "stale tick"). With no PingAck arriving, the count only
  // falls: the leader steps down at the first tick t >= next at which fewer than quorum() - 1
  // followers still count, i.e. once `counting - (quorum() - 1) + 1` of them have gone stale.
  const std::uint64_t next = now_ticks_ + 1;
  const std::uint64_t min_ticks = config_.leader_timeout_ticks_min;
  const auto stale_tick = [&](const std::optional<std::uint64_t>& last) {
    return *last + min_ticks + 1;
  };
  const auto counts = [&](const std::optional<std::uint64_t>& last) {
    return last && stale_tick(last) > next;
  };
  const auto counting = static_cast<std::size_t>(
      std::count_if(leading.last_ack_tick.begin(), leading.last_ack_tick.end(), counts));
  const std::size_t needed = quorum() - 1;  // followers needed besides ourselves
  if (counting < needed) return next;
  const std::size_t must_go_stale = counting - needed + 1;
  // The earliest stale tick by which `must_go_stale` counting followers have gone stale: a
  // selection over a handful of members, done in place so the runtime's idle path allocates
  // nothing.
  std::uint64_t lapse = std::numeric_limits<std::uint64_t>::max();
  for (const auto& last : leading.last_ack_tick) {
    if (!counts(last)) continue;
    const std::uint64_t candidate = stale_tick(last);
    const auto stale_by_then = static_cast<std::size_t>(std::count_if(
        leading.last_ack_tick.begin(), leading.last_ack_tick.end(),
        [&](const auto& other) { return counts(other) && stale_tick(other) <= candidate; }));
    if (stale_by_then >= must_go_stale) lapse = std::min(lapse, candidate);
  }
  return lapse;
}

void ZabElector::on(NodeId from, const Ping& m) {
  auto* f = std::get_if<Following>(&role_);
  if (f == nullptr || from != f->leader || f->epoch == 0 || m.epoch != f->epoch) {
    emit(CoreEventKind::MessageIgnored, from, "Ping from a leader we do not follow");
    return;
  }
  if (!f->established) {
    // The leader pings only once a quorum acked: from now on we know who leads this epoch.
    f->established = true;
    emit(CoreEventKind::LeaderDiscovered, from, "first Ping of the epoch", m.epoch);
  }
  f->deadline_tick = now_ticks_ + random_leader_timeout_ticks();
  send(from, PingAck{m.epoch});
}

void ZabElector::on(NodeId from, const PingAck& m) {
  auto* l = std::get_if<Leading>(&role_);
  if (l == nullptr || m.epoch != l->epoch) {
    emit(CoreEventKind::MessageIgnored, from, "PingAck for another epoch");
    return;
  }
  l->last_ack_tick[index_of(from)] = now_ticks_;
}

}  // namespace baton::zab
