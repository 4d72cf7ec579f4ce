// The simulation engine, part 3: after every event, the acknowledged leader, the invariant
// checkers, metrics and expectations; the end-of-run result. Part 1 is engine.cpp.
#include "sim/engine.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "core/store/store_node.hpp"
#include "sim/algorithm_factory.hpp"

namespace baton::sim {

// ---------------------------------------------------------------------------------------------
// After every event: acknowledged leader, checkers, metrics, expectations

std::optional<std::pair<NodeId, Term>> Simulation::compute_ack(std::uint64_t* acks) const {
  if (store_id_ != kNoNode) return compute_store_ack(acks);
  std::optional<std::pair<NodeId, Term>> best;
  for (NodeId l = 1; l <= n_; ++l) {
    const Status& s = status_[l];
    if (!live(l) || s.role != Role::Leader) continue;
    std::uint32_t count = 0;
    for (NodeId j = 1; j <= n_; ++j) {
      if (live(j) && status_[j].term == s.term && status_[j].leader == l) ++count;
    }
    if (count >= majority() && (!best || s.term > best->second)) {
      best = std::make_pair(l, s.term);
      if (acks) *acks = count;
    }
  }
  return best;
}

std::optional<std::pair<NodeId, Term>> Simulation::compute_store_ack(std::uint64_t* acks) const {
  // In the store recipes the store, not a quorum of peers, says who leads: a leader is
  // acknowledged when it believes it leads and the store's entry agrees (same owner, and the
  // entry's revision is its fence token). The store's data is read even during an outage: the
  // entry is still there, and the leader may still rightly hold it.
  const auto* store = static_cast<const store::StoreNode*>(nodes_[store_id_].core.get());
  const store::Entry holder = store->holder(store_key(scenario_));
  if (holder.create_revision == 0 || holder.owner < 1 || holder.owner > n_) return std::nullopt;
  const Status& s = status_[holder.owner];
  if (!live(holder.owner) || s.role != Role::Leader || s.fence_token != holder.create_revision) {
    return std::nullopt;
  }
  if (acks) {
    *acks = 0;
    for (NodeId j = 1; j <= n_; ++j) {
      if (live(j) && status_[j].leader == holder.owner) ++*acks;
    }
  }
  return std::make_pair(holder.owner, s.term);
}

void Simulation::after_event(bool probe) {
  if (stopped()) return;
  if (dirty_) {
    dirty_ = false;
    if (auto detail = lease_safety_.check(status_, active_)) {
      violate("lease-safety", std::move(*detail));
      return;
    }
    std::uint64_t acks = 0;
    const auto ack = compute_ack(&acks);
    if (ack != ack_) {
      ack_ = ack;
      if (ack) {
        record({now_, TraceKind::Acknowledged, 0, ack->first, 0, ack->second, acks, n_, {}});
        if (!result_.time_to_first_leader_ms) {
          result_.time_to_first_leader_ms = static_cast<double>(now_) / 1000.0;
        }
        if (failover_ && (failover_->leader != ack->first || failover_->term != ack->second)) {
          const Micros took = now_ - failover_->start;
          result_.failover_ms.push_back(static_cast<double>(took) / 1000.0);
          record({now_, TraceKind::Failover, 0, 0, 0, 0, static_cast<std::uint64_t>(took), 0, {}});
          failover_.reset();
        }
      } else {
        record({now_, TraceKind::AckLost, 0, 0, 0, 0, 0, 0, {}});
      }
    }
    if (has_windows_) evaluate_windows();
  } else if (probe && has_windows_) {
    evaluate_windows();
  }
}

std::vector<NodeId> Simulation::resolve_expectation_nodes(
    const std::vector<Target>& targets) const {
  std::vector<NodeId> out;
  for (const Target& t : targets) {
    if (t.kind == Target::Kind::Node) {
      out.push_back(t.node);
    } else if (t.kind == Target::Kind::Minority) {
      if (!last_partition_.empty()) {
        auto smallest =
            std::min_element(last_partition_.begin(), last_partition_.end(),
                             [](const auto& a, const auto& b) { return a.size() < b.size(); });
        out.insert(out.end(), smallest->begin(), smallest->end());
      }
    } else {
      for (NodeId id = 1; id <= n_; ++id) out.push_back(id);
    }
  }
  return out;
}

void Simulation::evaluate_windows() {
  for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
    const Expectation& e = scenario_.expectations[i];
    ExpectationState& st = exp_state_[i];
    using K = Expectation::Kind;
    if (e.kind == K::TwoLeaders) {
      if (!st.held && now_ >= e.from && now_ <= e.to) note_two_leaders(st);
      continue;
    }
    if (!st.held) continue;
    switch (e.kind) {
      case K::NoLeaderAmong:
        if (now_ < e.from || now_ > e.to) break;
        for (NodeId id : resolve_expectation_nodes(e.nodes)) {
          if (id >= 1 && id <= n_ && live(id) && status_[id].role == Role::Leader) {
            st.held = false;
            // (built piecewise: GCC 12 -Wrestrict misfires on "n" + std::string)
            st.detail = 'n';
            st.detail += std::to_string(id);
            st.detail += " was leader (term ";
            st.detail += std::to_string(status_[id].term);
            st.detail += ") at ";
            st.detail += std::to_string(static_cast<double>(now_) / 1000.0);
            st.detail += "ms";
            break;
          }
        }
        break;
      case K::StableLeader:
        if (now_ < e.from || now_ > e.to) break;
        if (!st.started) {
          st.started = true;
          st.pair = ack_;
          if (!ack_) {
            st.held = false;
            st.detail = "no acknowledged leader at the start of the window";
          }
        } else if (ack_ != st.pair) {
          st.held = false;
          st.detail = "acknowledged leader changed at " +
                      std::to_string(static_cast<double>(now_) / 1000.0) + "ms";
        }
        break;
      case K::LeaderIs:
        if (st.started || now_ < e.from) break;
        st.started = true;
        {
          const auto want = resolve_expectation_nodes(e.nodes);
          if (!ack_ || want.empty() || ack_->first != want.front()) {
            st.held = false;
            st.detail = ack_ ? "acknowledged leader is n" + std::to_string(ack_->first)
                             : "no acknowledged leader";
          }
        }
        break;
      default:
        break;
    }
  }
}

void Simulation::note_two_leaders(ExpectationState& st) const {
  std::vector<NodeId> leaders;
  for (NodeId id = 1; id <= n_; ++id) {
    if (live(id) && status_[id].role == Role::Leader) leaders.push_back(id);
  }
  if (leaders.size() < 2) return;
  st.held = true;
  st.detail.clear();
  for (NodeId id : leaders) {
    st.detail += st.detail.empty() ? "n" : " and n";
    st.detail += std::to_string(id);
    st.detail += " (term ";
    st.detail += std::to_string(status_[id].term);
    st.detail += ")";
  }
  st.detail += " led at once at ";
  st.detail += std::to_string(static_cast<double>(now_) / 1000.0);
  st.detail += "ms";
}

void Simulation::violate(const char* invariant, std::string detail) {
  if (stopped()) return;
  record({now_, TraceKind::Note, 0, 0, 0, 0, 0, 0,
          own("VIOLATION " + std::string(invariant) + ": " + detail)});
  Violation v;
  v.seed = result_.seed;
  v.time = now_;
  v.invariant = invariant;
  v.detail = std::move(detail);
  v.last_events = ring_.format_all();
  result_.violation = std::move(v);
}

RunResult Simulation::finish() {
  if (finished_) return result_;
  finished_ = true;
  result_.simulated = now_;
  for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
    const Expectation& e = scenario_.expectations[i];
    ExpectationState& st = exp_state_[i];
    using K = Expectation::Kind;
    if (e.kind == K::Violation) continue;  // judged by sweep() over all seeds
    ExpectationResult r{e, st.held, st.detail};
    switch (e.kind) {
      case K::FirstLeaderWithin: {
        const auto& t = result_.time_to_first_leader_ms;
        r.held = t && *t <= static_cast<double>(e.within) / 1000.0;
        r.detail = t ? "first leader after " + std::to_string(*t) + "ms"
                     : "no leader was ever acknowledged";
        break;
      }
      case K::FailoverWithin: {
        const double limit = static_cast<double>(e.within) / 1000.0;
        r.held = true;
        for (double f : result_.failover_ms) {
          if (f > limit) {
            r.held = false;
            r.detail = "a failover took " + std::to_string(f) + "ms";
          }
        }
        if (failover_ && static_cast<double>(now_ - failover_->start) / 1000.0 > limit) {
          r.held = false;
          r.detail = "a failover did not finish within the limit (still running at the end)";
        }
        break;
      }
      case K::LeaderAtEnd:
        r.held = ack_.has_value();
        if (ack_) {
          r.detail = 'n';
          r.detail += std::to_string(ack_->first);
          r.detail += " leads term ";
          r.detail += std::to_string(ack_->second);
        } else {
          r.detail = "no acknowledged leader at the end";
        }
        break;
      case K::LeaderIs:
        if (!st.started) {
          r.held = false;
          r.detail = "the run ended before the instant";
        }
        break;
      case K::StableLeader:
      case K::NoLeaderAmong:
        if (stopped() && now_ < e.to && r.held) r.detail = "run stopped early by a violation";
        break;
      case K::TwoLeaders:
        if (!r.held) r.detail = "never two leaders at once in the window";
        break;
      case K::Violation:
        break;
    }
    result_.expectations.push_back(std::move(r));
  }
  return result_;
}

void Simulation::record(const TraceRecord& r) {
  ring_.push(r);
  if (tracing_) options_.trace(format_record(r));
}

std::string_view Simulation::own(std::string text) {
  owned_text_.push_back(std::move(text));
  return owned_text_.back();
}

}  // namespace baton::sim
