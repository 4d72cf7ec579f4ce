#include "sim/simulator.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "sim/engine.hpp"

namespace baton::sim {

bool RunResult::ok() const {
  if (violation) return false;
  return std::all_of(expectations.begin(), expectations.end(),
                     [](const ExpectationResult& e) { return e.held; });
}

// Decided: a sweep whose scenario expects a violation of invariant X (a checker test) does not
// count violations of X as failures; the expectation itself must hold (some seed found one).
// Violations of other invariants still fail the sweep.
bool SweepReport::ok() const {
  auto expected = [&](const std::string& invariant) {
    return std::any_of(sweep_expectations.begin(), sweep_expectations.end(),
                       [&](const ExpectationResult& e) {
                         return e.expectation.kind == Expectation::Kind::Violation &&
                                e.expectation.invariant == invariant;
                       });
  };
  for (const Violation& v : violations) {
    if (!expected(v.invariant)) return false;
  }
  if (!failed_expectations.empty()) return false;
  return std::all_of(sweep_expectations.begin(), sweep_expectations.end(),
                     [](const ExpectationResult& e) { return e.held; });
}

RunResult run_seed(const Scenario& scenario, std::uint64_t seed, const RunOptions& options) {
  Simulation sim(scenario, seed, options);
  return sim.run();
}

Distribution summarize(std::vector<double> samples) {
  Distribution d;
  d.count = samples.size();
  if (samples.empty()) return d;
  std::sort(samples.begin(), samples.end());
  // Nearest rank: the smallest sample with at least p% of samples <= it.
  auto rank = [&](double p) {
    const auto r =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
    return samples[std::clamp<std::size_t>(r, 1, samples.size()) - 1];
  };
  d.p50 = rank(50);
  d.p90 = rank(90);
  d.p99 = rank(99);
  d.max = samples.back();
  double sum = 0;
  for (double s : samples) sum += s;
  d.mean = sum / static_cast<double>(samples.size());
  return d;
}

SweepReport sweep(const Scenario& scenario, std::uint64_t first_seed, std::uint64_t seeds) {
  SweepReport report;
  report.scenario = scenario.name;
  report.algorithm = scenario.algorithm;
  report.nodes = scenario.nodes;
  report.first_seed = first_seed;
  report.seeds = seeds;
  std::vector<double> first_leader, failovers;
  double mpe_sum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t seed = first_seed; seed < first_seed + seeds; ++seed) {
    RunResult r = run_seed(scenario, seed);
    report.simulated_seconds += static_cast<double>(r.simulated) / 1e6;
    if (r.violation) report.violations.push_back(*r.violation);
    for (auto& e : r.expectations) {
      if (!e.held) report.failed_expectations.emplace_back(seed, e);
    }
    report.stale_writes_accepted += r.stale_writes_accepted;
    report.writes_accepted += r.writes_accepted;
    report.writes_rejected += r.writes_rejected;
    report.elections += r.elections;
    report.pre_vote_rounds += r.pre_vote_rounds;
    report.terms_started += r.terms_started;
    report.leaders_elected += r.leaders_elected;
    for (std::size_t i = 0; i < kMessageCounterSlots; ++i)
      report.messages_sent[i] += r.messages_sent[i];
    report.messages_deferred += r.messages_deferred;
    report.messages_down_queued += r.messages_down_queued;
    report.messages_down_flushed += r.messages_down_flushed;
    report.messages_down_dropped += r.messages_down_dropped;
    report.messages_down_lost += r.messages_down_lost;
    if (r.time_to_first_leader_ms) first_leader.push_back(*r.time_to_first_leader_ms);
    failovers.insert(failovers.end(), r.failover_ms.begin(), r.failover_ms.end());
    const double mpe = static_cast<double>(r.election_messages) /
                       static_cast<double>(std::max<std::uint64_t>(1, r.leaders_elected));
    mpe_sum += mpe;
    report.messages_per_election_max = std::max(report.messages_per_election_max, mpe);
    report.events += r.events;
  }
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.events_per_second =
      report.wall_seconds > 0 ? static_cast<double>(report.events) / report.wall_seconds : 0;
  report.time_to_first_leader_ms = summarize(std::move(first_leader));
  std::sort(failovers.begin(), failovers.end());
  report.failover_ms = summarize(failovers);
  report.failover_samples_ms = std::move(failovers);
  report.messages_per_election_mean = seeds > 0 ? mpe_sum / static_cast<double>(seeds) : 0;
  for (const Expectation& e : scenario.expectations) {
    if (e.kind != Expectation::Kind::Violation) continue;
    ExpectationResult r{e, false, {}};
    std::uint64_t hits = 0;
    for (const Violation& v : report.violations) hits += v.invariant == e.invariant ? 1 : 0;
    r.held = hits > 0;
    r.detail =
        std::to_string(hits) + " of " + std::to_string(seeds) + " seeds violated " + e.invariant;
    report.sweep_expectations.push_back(std::move(r));
  }
  return report;
}

}  // namespace baton::sim
