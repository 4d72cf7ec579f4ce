// to_json / to_text of a SweepReport.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/report_json.hpp"
#include "sim/simulator.hpp"

namespace baton::sim {
namespace {

std::string fmt(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

std::string distribution_text(const Distribution& d) {
  if (d.count == 0) return "none";
  return "n=" + std::to_string(d.count) + " p50 " + fmt("%.1f", d.p50) + " p90 " +
         fmt("%.1f", d.p90) + " p99 " + fmt("%.1f", d.p99) + " max " + fmt("%.1f", d.max) +
         " mean " + fmt("%.1f", d.mean) + " ms";
}

}  // namespace

nlohmann::json distribution_json(const Distribution& d) {
  return {{"count", d.count}, {"p50", d.p50}, {"p90", d.p90},
          {"p99", d.p99},     {"max", d.max}, {"mean", d.mean}};
}

std::string to_json(const SweepReport& r) {
  return sweep_json(r).dump(2);
}

nlohmann::json sweep_json(const SweepReport& r) {
  nlohmann::json j;
  j["algorithm"] = r.algorithm;
  j["nodes"] = r.nodes;
  j["seeds"] = r.seeds;
  j["first_seed"] = r.first_seed;
  j["scenario"] = r.scenario;
  j["simulated_seconds"] = r.simulated_seconds;
  j["ok"] = r.ok();
  j["safety_violations"] = r.violations.size();
  j["violations"] = nlohmann::json::array();
  for (const Violation& v : r.violations) {
    j["violations"].push_back({{"seed", v.seed},
                               {"time_ms", static_cast<double>(v.time) / 1000.0},
                               {"invariant", v.invariant},
                               {"detail", v.detail},
                               {"last_events", v.last_events}});
  }
  j["failed_expectations"] = nlohmann::json::array();
  for (const auto& [seed, e] : r.failed_expectations) {
    j["failed_expectations"].push_back({{"seed", seed},
                                        {"line", e.expectation.line},
                                        {"expectation", e.expectation.text},
                                        {"detail", e.detail}});
  }
  j["sweep_expectations"] = nlohmann::json::array();
  for (const ExpectationResult& e : r.sweep_expectations) {
    j["sweep_expectations"].push_back({{"line", e.expectation.line},
                                       {"expectation", e.expectation.text},
                                       {"held", e.held},
                                       {"detail", e.detail}});
  }
  j["stale_writes_accepted"] = r.stale_writes_accepted;
  j["writes_accepted"] = r.writes_accepted;
  j["writes_rejected"] = r.writes_rejected;
  j["elections"] = r.elections;
  j["pre_vote_rounds"] = r.pre_vote_rounds;
  j["terms_started"] = r.terms_started;
  j["leaders_elected"] = r.leaders_elected;
  j["time_to_first_leader_ms"] = distribution_json(r.time_to_first_leader_ms);
  j["failover_ms"] = distribution_json(r.failover_ms);
  j["messages_per_election"] = {{"mean", r.messages_per_election_mean},
                                {"max", r.messages_per_election_max}};
  nlohmann::json by_type = nlohmann::json::object();
  for (std::size_t i = 0; i < kMessageCounterSlots; ++i) {
    by_type[std::string(message_counter_name(i))] = r.messages_sent[i];
  }
  j["messages_by_type"] = by_type;
  j["messages_deferred"] = r.messages_deferred;
  j["messages_down_queued"] = r.messages_down_queued;
  j["messages_down_flushed"] = r.messages_down_flushed;
  j["messages_down_dropped"] = r.messages_down_dropped;
  j["messages_down_lost"] = r.messages_down_lost;
  j["events"] = r.events;
  j["events_per_second"] = r.events_per_second;
  j["wall_seconds"] = r.wall_seconds;
  return j;
}

std::string to_text(const SweepReport& r) {
  std::string s;
  s += "scenario " + r.scenario + ": " + r.algorithm + ", " + std::to_string(r.nodes) +
       " nodes, seeds " + std::to_string(r.first_seed) + ".." +
       std::to_string(r.first_seed + r.seeds - (r.seeds ? 1 : 0)) + " (" + std::to_string(r.seeds) +
       "), " + fmt("%.1f", r.simulated_seconds) + " simulated seconds\n";
  s += "result: " + std::string(r.ok() ? "OK" : "FAILED") + "\n";
  s += "safety violations: " + std::to_string(r.violations.size()) + "\n";
  constexpr std::size_t kListed = 10;
  for (std::size_t i = 0; i < r.violations.size() && i < kListed; ++i) {
    const Violation& v = r.violations[i];
    s += "  seed " + std::to_string(v.seed) + " at " +
         fmt("%.3f", static_cast<double>(v.time) / 1000.0) + "ms " + v.invariant + ": " + v.detail +
         "\n";
  }
  if (r.violations.size() > kListed) {
    s +=
        "  ... and " + std::to_string(r.violations.size() - kListed) + " more (--json lists all)\n";
  }
  if (!r.violations.empty()) {
    // The first violation's lead-up, so a reader sees how it happened without a second run.
    const Violation& first = r.violations.front();
    s += "  the events before the first one (replay: --seed " + std::to_string(first.seed) +
         " --trace):\n";
    for (const std::string& line : first.last_events) s += "    " + line + "\n";
  }
  for (const ExpectationResult& e : r.sweep_expectations) {
    s +=
        "  " + e.expectation.text + ": " + (e.held ? "held" : "NOT held") + " (" + e.detail + ")\n";
  }
  s += "failed expectations: " + std::to_string(r.failed_expectations.size()) + "\n";
  for (const auto& [seed, e] : r.failed_expectations) {
    s += "  seed " + std::to_string(seed) + " line " + std::to_string(e.expectation.line) + " '" +
         e.expectation.text + "': " + e.detail + "\n";
  }
  s += "writes: " + std::to_string(r.writes_accepted) + " accepted, " +
       std::to_string(r.writes_rejected) + " rejected, " + std::to_string(r.stale_writes_accepted) +
       " stale accepted\n";
  s += "elections " + std::to_string(r.elections) + ", pre-vote rounds " +
       std::to_string(r.pre_vote_rounds) + ", terms started " + std::to_string(r.terms_started) +
       ", leaders elected " + std::to_string(r.leaders_elected) + "\n";
  s += "time to first leader: " + distribution_text(r.time_to_first_leader_ms) + "\n";
  s += "failover: " + distribution_text(r.failover_ms) + "\n";
  s += "messages per election: mean " + fmt("%.1f", r.messages_per_election_mean) + ", max " +
       fmt("%.1f", r.messages_per_election_max) + "\n";
  s += "messages:";
  for (std::size_t i = 0; i < kMessageCounterSlots; ++i) {
    if (r.messages_sent[i] == 0) continue;  // other algorithms' kinds (--json lists every kind)
    s += ' ';  // (appended piecewise: GCC 12 -Wrestrict misfires on " " + std::string)
    s += message_counter_name(i);
    s += '=';
    s += std::to_string(r.messages_sent[i]);
  }
  // Only with defer-input on, so reports of runs without it read as before.
  if (r.messages_deferred > 0) s += "; deferred " + std::to_string(r.messages_deferred);
  s += "\n";
  // Only with down-queue on and a message queued, for the same reason.
  if (r.messages_down_queued > 0) {
    s += "queued for crashed nodes: " + std::to_string(r.messages_down_queued) + ", re-sent " +
         std::to_string(r.messages_down_flushed) + ", oldest dropped " +
         std::to_string(r.messages_down_dropped) + ", lost with their sender " +
         std::to_string(r.messages_down_lost) + "\n";
  }
  s += "events " + std::to_string(r.events) + " in " + fmt("%.3f", r.wall_seconds) + "s wall (" +
       fmt("%.0f", r.events_per_second) + " events/s)\n";
  return s;
}

}  // namespace baton::sim
