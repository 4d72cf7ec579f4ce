#include "sim/compare.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "sim/report_json.hpp"
#include "sim/scenario_parser.hpp"
#include "sim/settings.hpp"

namespace baton::sim {
namespace {

// Every algorithm runs with the same timing settings (the scenario defaults: heartbeat 50 ms,
// leader/election timeout 150-300 ms, links 1-5 ms), so the table compares algorithms, not tunings.
// Faults strike at 2 s, after every algorithm has had time to elect its first leader.
struct MatrixEntry {
  MatrixFault fault;
  std::string body;
};

std::string partition_body(std::uint32_t nodes) {
  // The leader ends up in the minority: with a follower when there is room for one.
  const std::string minority = nodes >= 5 ? "leader follower" : "leader";
  return "duration 7s\nat 2s partition " + minority + " | rest\nat 5s heal\n";
}

const std::vector<MatrixEntry>& entries() {
  static const std::vector<MatrixEntry> kEntries = {
      {{"clean-start", "all nodes start at once; no faults"}, "duration 3s\n"},
      {{"leader-crash", "the leader crashes at 2s and restarts at 4s"},
       "duration 6s\nat 2s crash leader\nat 4s restart crashed\n"},
      {{"minority-partition",
        "at 2s the leader (and a follower) are cut off from the rest; heal at 5s"},
       ""},  // body depends on the size: partition_body()
      {{"one-way", "at 2s the leader stops hearing the others (they still hear it); heal at 5s"},
       "duration 7s\nat 2s cut others -> leader\nat 5s heal\n"},
      {{"lossy", "20% message loss all run; the leader crashes at 2s and restarts at 4s"},
       "duration 6s\nloss 0.2\nat 2s crash leader\nat 4s restart crashed\n"},
      {{"skew-pause",
        "clocks skewed up to 100ms and drifting up to 0.5% (within the 1% bound); the leader "
        "pauses "
        "1.5s at 2s"},
       "duration 7s\nskew-ms 100\ndrift 0.005\nat 2s pause leader for 1500ms\n"},
      {{"store-outage", "the store is unreachable from 2s to 3s (store-based recipes only)", true},
       "duration 6s\nat 2s crash store\nat 3s restart store\n"},
  };
  return kEntries;
}

std::string fmt(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

void aggregate(AlgorithmComparison& a) {
  double mean_sum = 0;
  std::set<std::string> invariants;
  for (const SweepReport& r : a.scenarios) {
    mean_sum += r.messages_per_election_mean;
    a.messages_per_election_max =
        std::max(a.messages_per_election_max, r.messages_per_election_max);
    if (r.scenario == "clean-start") a.time_to_first_leader_ms = r.time_to_first_leader_ms;
    a.failover_samples_ms.insert(a.failover_samples_ms.end(), r.failover_samples_ms.begin(),
                                 r.failover_samples_ms.end());
    a.safety_violations += r.violations.size();
    for (const Violation& v : r.violations) invariants.insert(v.invariant);
    a.stale_writes_accepted += r.stale_writes_accepted;
    a.writes_rejected += r.writes_rejected;
    a.wall_seconds += r.wall_seconds;
  }
  if (!a.scenarios.empty()) {
    a.messages_per_election_mean = mean_sum / static_cast<double>(a.scenarios.size());
  }
  std::sort(a.failover_samples_ms.begin(), a.failover_samples_ms.end());
  a.failover_ms = summarize(a.failover_samples_ms);
  a.violated_invariants.assign(invariants.begin(), invariants.end());
}

}  // namespace

const std::vector<MatrixFault>& fault_matrix() {
  static const std::vector<MatrixFault> kFaults = [] {
    std::vector<MatrixFault> faults;
    for (const MatrixEntry& e : entries()) faults.push_back(e.fault);
    return faults;
  }();
  return kFaults;
}

Scenario matrix_scenario(const std::string& name, const std::string& algorithm,
                         std::uint32_t nodes) {
  for (const MatrixEntry& e : entries()) {
    if (e.fault.name != name) continue;
    const std::string body = name == "minority-partition" ? partition_body(nodes) : e.body;
    const std::string text = "algorithm " + algorithm + "\nnodes " + std::to_string(nodes) +
                             "\ndescription " + e.fault.description + "\n" + body;
    Scenario s = parse_scenario(text, "compare:" + name);
    s.name = name;
    return s;
  }
  throw ScenarioError("compare: no fault '" + name + "' in the matrix");
}

CompareReport compare(const CompareOptions& options,
                      const std::function<void(const std::string&)>& progress) {
  const auto start = std::chrono::steady_clock::now();
  CompareReport report;
  report.nodes = options.nodes;
  report.seeds = options.seeds;
  report.first_seed = options.first_seed;
  const std::vector<std::string>& algorithms =
      options.algorithms.empty() ? algorithm_names() : options.algorithms;
  for (const std::string& algorithm : algorithms) {
    AlgorithmComparison a;
    a.algorithm = algorithm;
    for (const MatrixFault& fault : fault_matrix()) {
      if (fault.store_only && !is_store_based(algorithm)) continue;
      const Scenario s = matrix_scenario(fault.name, algorithm, options.nodes);
      a.scenarios.push_back(sweep(s, options.first_seed, options.seeds));
      if (progress) {
        const SweepReport& r = a.scenarios.back();
        progress(algorithm + " " + fault.name + ": " + std::to_string(r.violations.size()) +
                 " violations, " + fmt("%.1fs", r.wall_seconds));
      }
    }
    for (std::uint32_t n : options.sizes) {
      const Scenario s = matrix_scenario("leader-crash", algorithm, n);
      const SweepReport r = sweep(s, options.first_seed, options.size_seeds);
      a.scaling.push_back(
          {n, r.messages_per_election_mean, r.messages_per_election_max, r.failover_ms});
      if (progress) {
        progress(algorithm + " leader-crash with " + std::to_string(n) +
                 " nodes: " + fmt("%.1f", r.messages_per_election_mean) + " messages per election");
      }
    }
    aggregate(a);
    report.algorithms.push_back(std::move(a));
  }
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string compare_text(const CompareReport& report) {
  std::string s = "baton sim compare: " + std::to_string(report.nodes) + " nodes, " +
                  std::to_string(report.seeds) + " seeds per fault (from seed " +
                  std::to_string(report.first_seed) + "), " + fmt("%.1f", report.wall_seconds) +
                  "s wall\n";
  s += "faults:";
  for (const MatrixFault& f : fault_matrix()) s += " " + f.name;
  s += "\n\n";
  s += pad("algorithm", 12) + pad("msgs/election", 16) + pad("first leader", 14) +
       pad("failover ms", 16) + pad("safety", 26) + "fencing\n";
  s += pad("", 12) + pad("mean   worst", 16) + pad("p50 ms", 14) + pad("p50     p99", 16) +
       pad("violations", 26) + "stale writes accepted\n";
  for (const AlgorithmComparison& a : report.algorithms) {
    std::string safety = std::to_string(a.safety_violations);
    if (!a.violated_invariants.empty()) {
      safety += " (";
      for (std::size_t i = 0; i < a.violated_invariants.size(); ++i) {
        safety += (i ? ", " : "") + a.violated_invariants[i];
      }
      safety += ")";
    }
    const std::string fencing =
        std::to_string(a.stale_writes_accepted) +
        (a.stale_writes_accepted == 0 ? " (stopped every stale write; " : " (FAILED; ") +
        std::to_string(a.writes_rejected) + " rejected)";
    s += pad(a.algorithm, 12) +
         pad(fmt("%.1f", a.messages_per_election_mean) + "  " +
                 fmt("%.1f", a.messages_per_election_max),
             16) +
         pad(a.time_to_first_leader_ms.count ? fmt("%.0f", a.time_to_first_leader_ms.p50) : "-",
             14) +
         pad(a.failover_ms.count
                 ? fmt("%.0f", a.failover_ms.p50) + "     " + fmt("%.0f", a.failover_ms.p99)
                 : "-",
             16) +
         pad(safety, 26) + fencing + "\n";
  }
  s += "\nper fault (violations / stale writes accepted / failover p50 ms):\n";
  s += pad("algorithm", 12);
  for (const MatrixFault& f : fault_matrix()) s += pad(f.name, 20);
  s += "\n";
  for (const AlgorithmComparison& a : report.algorithms) {
    s += pad(a.algorithm, 12);
    for (const MatrixFault& f : fault_matrix()) {
      const auto it = std::find_if(a.scenarios.begin(), a.scenarios.end(),
                                   [&](const SweepReport& r) { return r.scenario == f.name; });
      if (it == a.scenarios.end()) {
        s += pad("n/a", 20);
        continue;
      }
      s += pad(std::to_string(it->violations.size()) + " / " +
                   std::to_string(it->stale_writes_accepted) + " / " +
                   (it->failover_ms.count ? fmt("%.0f", it->failover_ms.p50) : "-"),
               20);
    }
    s += "\n";
  }
  bool any_scaling = false;
  for (const AlgorithmComparison& a : report.algorithms) any_scaling |= !a.scaling.empty();
  if (any_scaling) {
    s += "\nmessages per election against cluster size (leader-crash fault, mean of seeds):\n";
    s += pad("algorithm", 12);
    for (const ScalingPoint& p : report.algorithms.front().scaling) {
      s += pad("n=" + std::to_string(p.nodes), 10);
    }
    s += "\n";
    for (const AlgorithmComparison& a : report.algorithms) {
      s += pad(a.algorithm, 12);
      for (const ScalingPoint& p : a.scaling) {
        s += pad(fmt("%.1f", p.messages_per_election_mean), 10);
      }
      s += "\n";
    }
  }
  return s;
}

std::string compare_json(const CompareReport& report) {
  nlohmann::json j;
  j["nodes"] = report.nodes;
  j["seeds"] = report.seeds;
  j["first_seed"] = report.first_seed;
  j["wall_seconds"] = report.wall_seconds;
  j["faults"] = nlohmann::json::array();
  for (const MatrixFault& f : fault_matrix()) {
    j["faults"].push_back(
        {{"name", f.name}, {"description", f.description}, {"store_only", f.store_only}});
  }
  j["algorithms"] = nlohmann::json::array();
  for (const AlgorithmComparison& a : report.algorithms) {
    nlohmann::json entry;
    entry["algorithm"] = a.algorithm;
    entry["scenarios"] = nlohmann::json::array();
    for (const SweepReport& r : a.scenarios) entry["scenarios"].push_back(sweep_json(r));
    entry["summary"] = {
        {"messages_per_election",
         {{"mean", a.messages_per_election_mean}, {"max", a.messages_per_election_max}}},
        {"time_to_first_leader_ms", distribution_json(a.time_to_first_leader_ms)},
        {"failover_ms", distribution_json(a.failover_ms)},
        {"safety_violations", a.safety_violations},
        {"violated_invariants", a.violated_invariants},
        {"stale_writes_accepted", a.stale_writes_accepted},
        {"writes_rejected", a.writes_rejected},
        {"fencing_stopped_every_stale_write", a.stale_writes_accepted == 0},
    };
    entry["scaling"] = nlohmann::json::array();
    for (const ScalingPoint& p : a.scaling) {
      entry["scaling"].push_back(
          {{"nodes", p.nodes},
           {"messages_per_election",
            {{"mean", p.messages_per_election_mean}, {"max", p.messages_per_election_max}}},
           {"failover_ms", distribution_json(p.failover_ms)}});
    }
    j["algorithms"].push_back(std::move(entry));
  }
  return j.dump(2);
}

}  // namespace baton::sim
