#include "sim/settings.hpp"

#include <algorithm>
#include <functional>
#include <limits>

#include "sim/text_parse.hpp"

namespace baton::sim {
namespace {

using Error = std::optional<std::string>;
using Apply = std::function<Error(Scenario&, std::string_view key, std::string_view value)>;

struct Setting {
  SettingInfo info;
  Apply apply;
};

const std::vector<std::string> kAlgorithms = {"raft", "bully", "ring",      "paxos",
                                              "zab",  "lease", "sequential"};
const std::vector<std::string> kNemesisFaults = {"crash", "partition", "one-way",
                                                 "loss",  "pause",     "disk-loss"};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

Error expected(std::string_view key, std::string_view form, std::string_view value) {
  return std::string(key) + ": expected " + std::string(form) + ", got '" + std::string(value) +
         "'";
}

// --- setting builders: each returns the apply function for one kind of value -------------------

/// A plain number in [lo, hi].
Apply number(std::function<double&(Scenario&)> field, double lo, double hi, std::string form) {
  return [=](Scenario& s, std::string_view key, std::string_view value) -> Error {
    const auto parsed = text::parse_number(value);
    if (!parsed || *parsed < lo || *parsed > hi) return expected(key, form, value);
    field(s) = *parsed;
    return std::nullopt;
  };
}

/// A positive number of milliseconds (> 0), or >= 0 when `allow_zero`.
Apply millis(std::function<double&(Scenario&)> field, bool allow_zero) {
  const std::string form =
      allow_zero ? "a number of milliseconds >= 0" : "a number of milliseconds > 0";
  return [=](Scenario& s, std::string_view key, std::string_view value) -> Error {
    const auto parsed = text::parse_number(value);
    if (!parsed || *parsed < 0 || (!allow_zero && *parsed == 0)) return expected(key, form, value);
    field(s) = *parsed;
    return std::nullopt;
  };
}

/// A probability in [0, 1].
Apply probability(std::function<double&(Scenario&)> field) {
  return number(std::move(field), 0, 1, "a probability between 0 and 1");
}

/// An unsigned integer in [lo, hi].
Apply count(std::function<std::uint32_t&(Scenario&)> field, std::uint32_t lo, std::uint32_t hi) {
  const std::string form =
      "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  return [=](Scenario& s, std::string_view key, std::string_view value) -> Error {
    const auto parsed = text::parse_uint(value);
    if (!parsed || *parsed < lo || *parsed > hi) return expected(key, form, value);
    field(s) = static_cast<std::uint32_t>(*parsed);
    return std::nullopt;
  };
}

Apply on_off(std::function<bool&(Scenario&)> field) {
  return [=](Scenario& s, std::string_view key, std::string_view value) -> Error {
    const auto parsed = text::parse_switch(value);
    if (!parsed) return expected(key, "on|off|true|false", value);
    field(s) = *parsed;
    return std::nullopt;
  };
}

/// "MIN-MAX" or a single value, in milliseconds, with MIN <= MAX; MIN > 0 unless `allow_zero`.
Apply range_ms(std::function<double&(Scenario&)> lo_field,
               std::function<double&(Scenario&)> hi_field, bool allow_zero,
               std::function<void(Scenario&)> also = nullptr) {
  return [=](Scenario& s, std::string_view key, std::string_view value) -> Error {
    const std::string form = std::string("MIN-MAX or a single value in milliseconds") +
                             (allow_zero ? "" : ", greater than 0");
    const auto parsed = text::parse_range(value, "ms");
    if (!parsed || (!allow_zero && parsed->first <= 0)) return expected(key, form, value);
    if (parsed->first > parsed->second) {
      return std::string(key) + ": MIN must be <= MAX, got '" + std::string(value) + "'";
    }
    lo_field(s) = parsed->first;
    hi_field(s) = parsed->second;
    if (also) also(s);
    return std::nullopt;
  };
}

// --- special values -----------------------------------------------------------------------------

}  // namespace

const std::vector<std::string>& algorithm_names() {
  return kAlgorithms;
}

namespace {

Error apply_algorithm(Scenario& s, std::string_view key, std::string_view value) {
  for (const auto& name : kAlgorithms) {
    if (value == name) {
      s.algorithm = name;
      return std::nullopt;
    }
  }
  return expected(key, "one of " + join(kAlgorithms), value);
}

Error apply_duration(Scenario& s, std::string_view key, std::string_view value) {
  const auto parsed = text::parse_duration(value);
  if (!parsed || *parsed <= 0) {
    return expected(key, "a positive duration such as 10s, 500ms, 2m or 1.5s", value);
  }
  s.duration = *parsed;
  return std::nullopt;
}

Error apply_priorities(Scenario& s, std::string_view key, std::string_view value) {
  std::vector<std::uint32_t> priorities;
  for (const auto piece : text::split(value, ", \t")) {
    const auto parsed = text::parse_uint(piece);
    if (!parsed || *parsed > std::numeric_limits<std::uint32_t>::max()) {
      return expected(key, "a comma-separated list of whole numbers, one per node", value);
    }
    priorities.push_back(static_cast<std::uint32_t>(*parsed));
  }
  if (priorities.empty()) {
    return expected(key, "a comma-separated list of whole numbers, one per node", value);
  }
  s.raft.priorities = std::move(priorities);
  return std::nullopt;
}

Error apply_preferred_leader(Scenario& s, std::string_view key, std::string_view value) {
  if (value == "none") {
    s.raft.preferred_leader = kNoNode;
    return std::nullopt;
  }
  const auto parsed = text::parse_uint(value);
  if (!parsed || *parsed < 1 || *parsed > 1000) return expected(key, "a node id or none", value);
  s.raft.preferred_leader = static_cast<NodeId>(*parsed);
  return std::nullopt;
}

Error apply_latency_normal(Scenario& s, std::string_view key, std::string_view value) {
  const auto pieces = text::split(value, ", \t");
  std::optional<double> mean, stddev;
  if (pieces.size() == 2) {
    mean = text::parse_number(pieces[0]);
    stddev = text::parse_number(pieces[1]);
  }
  if (!mean || !stddev || *mean < 0 || *stddev < 0) {
    return expected(key, "MEAN,STDDEV in milliseconds (both >= 0)", value);
  }
  s.network.model = LatencyModel::Normal;
  s.network.latency_ms_mean = *mean;
  s.network.latency_ms_stddev = *stddev;
  return std::nullopt;
}

Error apply_clock(Scenario& s, std::string_view key, std::string_view value) {
  const auto pieces = text::split(value, ", \t");
  const std::string form = "NODE SKEW_MS DRIFT (e.g. '3 120 0.002', drift between -0.5 and 0.5)";
  if (pieces.size() != 3) return expected(key, form, value);
  const auto node = text::parse_uint(pieces[0]);
  const auto skew = text::parse_number(pieces[1]);
  const auto drift = text::parse_number(pieces[2]);
  if (!node || *node < 1 || *node > 1000 || !skew || !drift || *drift < -0.5 || *drift > 0.5) {
    return expected(key, form, value);
  }
  s.clocks.per_node[static_cast<NodeId>(*node)] = NodeClock{*skew, *drift};
  return std::nullopt;
}

Error apply_nemesis_faults(Scenario& s, std::string_view key, std::string_view value) {
  NemesisSettings& n = s.nemesis;
  bool crashes = false, partitions = false, one_way = false, loss = false, pauses = false,
       disk_loss = false;
  const auto pieces = text::split(value, ", \t");
  const std::string form = "a comma-separated list from " + join(kNemesisFaults) + ", or none";
  if (pieces.empty()) return expected(key, form, value);
  for (const auto piece : pieces) {
    if (piece == "crash")
      crashes = true;
    else if (piece == "partition")
      partitions = true;
    else if (piece == "one-way")
      one_way = true;
    else if (piece == "loss")
      loss = true;
    else if (piece == "pause")
      pauses = true;
    else if (piece == "disk-loss")
      disk_loss = true;
    else if (piece == "none" && pieces.size() == 1) {
    } else {
      return expected(key, form, value);
    }
  }
  n.crashes = crashes;
  n.partitions = partitions;
  n.one_way = one_way;
  n.loss = loss;
  n.pauses = pauses;
  n.disk_loss = disk_loss;
  return std::nullopt;
}

Error apply_description(Scenario& s, std::string_view, std::string_view value) {
  s.description = std::string(value);
  return std::nullopt;
}

// --- the table ----------------------------------------------------------------------------------

const std::vector<Setting>& table() {
  static const std::vector<Setting> settings = [] {
    std::vector<Setting> t;
    const auto add = [&](std::string key, std::string value, std::string help, Apply apply) {
      t.push_back(Setting{SettingInfo{std::move(key), std::move(value), std::move(help)},
                          std::move(apply)});
    };
    // Cluster and run.
    add("algorithm", join(kAlgorithms), "the election algorithm", apply_algorithm);
    add("nodes", "1..1000", "cluster size",
        count([](Scenario& s) -> std::uint32_t& { return s.nodes; }, 1, 1000));
    add("duration", "DURATION", "simulated run length (10s, 500ms, 2m; bare number = seconds)",
        apply_duration);
    add("tick-ms", "MS", "length of one logical tick",
        millis([](Scenario& s) -> double& { return s.tick_ms; }, false));
    add("description", "TEXT", "free text shown in reports", apply_description);
    add("defer-input", "on|off",
        "hold input as the runtime does: a leader's until its next due tick while its core lets it "
        "wait, a follower's heartbeats until its read on the beat",
        on_off([](Scenario& s) -> bool& { return s.defer_input; }));
    add("down-queue", "0..10000",
        "a message for a crashed node waits in its sender's queue of this many (oldest dropped) "
        "and is re-sent when the node restarts (0: dropped)",
        count([](Scenario& s) -> std::uint32_t& { return s.down_queue_frames; }, 0, 10'000));
    // Raft.
    add("election-timeout-ms", "MIN-MAX",
        "randomized election timeout (other algorithms: leader timeout)",
        range_ms([](Scenario& s) -> double& { return s.raft.election_timeout_ms_min; },
                 [](Scenario& s) -> double& { return s.raft.election_timeout_ms_max; }, false));
    add("candidate-timeout-ms", "MIN-MAX", "candidate retry timeout (0 = election timeout)",
        range_ms([](Scenario& s) -> double& { return s.raft.candidate_timeout_ms_min; },
                 [](Scenario& s) -> double& { return s.raft.candidate_timeout_ms_max; }, true));
    add("answer-timeout-ms", "MS", "bully: wait this long for an Answer before winning",
        millis([](Scenario& s) -> double& { return s.bully.answer_timeout_ms; }, false));
    add("coordinator-timeout-ms", "MS", "bully: wait this long for a Coordinator after an Answer",
        millis([](Scenario& s) -> double& { return s.bully.coordinator_timeout_ms; }, false));
    add("ack-timeout-ms", "MS", "ring: a ring message not acked this long skips the successor",
        millis([](Scenario& s) -> double& { return s.ring.ack_timeout_ms; }, false));
    add("finalize-wait-ms", "MS", "zab: wait this long for a better vote once a quorum agrees",
        millis([](Scenario& s) -> double& { return s.zab.finalize_wait_ms; }, true));
    add("ttl-ms", "MS", "lease, sequential: the lease/session TTL on the store's clock",
        millis([](Scenario& s) -> double& { return s.store.ttl_ms; }, false));
    add("heartbeat-ms", "MS", "leader heartbeat interval",
        millis([](Scenario& s) -> double& { return s.raft.heartbeat_ms; }, false));
    add("pre-vote", "on|off", "pre-vote phase before campaigning (thesis 9.6)",
        on_off([](Scenario& s) -> bool& { return s.raft.pre_vote; }));
    add("check-quorum", "on|off", "leader steps down without a quorum of recent contact",
        on_off([](Scenario& s) -> bool& { return s.raft.check_quorum; }));
    add("campaign-on-leader-reset", "on|off",
        "raft: a follower whose connection to its leader resets (its process died) campaigns at "
        "once; needs pre-vote on and leader-lease off",
        on_off([](Scenario& s) -> bool& { return s.raft.campaign_on_leader_reset; }));
    add("leader-lease", "on|off", "leader holds a time-bounded lease",
        on_off([](Scenario& s) -> bool& { return s.raft.leader_lease; }));
    add("max-clock-drift", "0..0.5", "the clock drift bound the algorithm assumes (ratio)",
        number([](Scenario& s) -> double& { return s.raft.max_clock_drift; }, 0, 0.5,
               "a drift ratio between 0 and 0.5"));
    add("backoff-after", "COUNT", "failed elections before backing off (0 disables)",
        count([](Scenario& s) -> std::uint32_t& { return s.raft.backoff_after_failed_elections; },
              0, 1'000'000));
    add("backoff-max-factor", "FACTOR", "largest multiple of the timeout when backing off",
        count([](Scenario& s) -> std::uint32_t& { return s.raft.backoff_max_factor; }, 1, 1024));
    add("resign-hold-ms", "MS", "a resigned leader does not campaign for this long",
        millis([](Scenario& s) -> double& { return s.raft.resign_hold_ms; }, true));
    add("priorities", "P1,P2,...", "election priority per node (node 1 first)", apply_priorities);
    add("priority-step-ms", "MS", "timeout advantage per priority level (0 = half the range)",
        millis([](Scenario& s) -> double& { return s.raft.priority_step_ms; }, true));
    add("preferred-leader", "NODE", "node that leadership is transferred to when healthy",
        apply_preferred_leader);
    add("unsafe-multiple-votes", "on|off", "TEST ONLY: vote more than once per term",
        on_off([](Scenario& s) -> bool& { return s.raft.unsafe_multiple_votes; }));
    add("unsafe-lease-ignores-drift", "on|off", "TEST ONLY: lease ignores the drift bound",
        on_off([](Scenario& s) -> bool& { return s.raft.unsafe_lease_ignores_drift; }));
    add("unsafe-reset-campaign-with-lease", "on|off",
        "TEST ONLY: campaign-on-leader-reset with the leader lease on",
        on_off([](Scenario& s) -> bool& { return s.raft.unsafe_reset_campaign_with_lease; }));
    // Network.
    add("latency-ms", "MIN-MAX", "uniform one-way message latency",
        range_ms([](Scenario& s) -> double& { return s.network.latency_ms_min; },
                 [](Scenario& s) -> double& { return s.network.latency_ms_max; }, true,
                 [](Scenario& s) { s.network.model = LatencyModel::Uniform; }));
    add("latency-normal-ms", "MEAN,STDDEV", "normal latency, truncated at 0", apply_latency_normal);
    add("loss", "P", "probability a message is dropped",
        probability([](Scenario& s) -> double& { return s.network.loss; }));
    add("duplicate", "P", "probability a message is delivered twice",
        probability([](Scenario& s) -> double& { return s.network.duplicate; }));
    add("reorder", "P", "probability a message is delayed by up to reorder-ms",
        probability([](Scenario& s) -> double& { return s.network.reorder; }));
    add("reorder-ms", "MS", "largest extra delay of a reordered message",
        millis([](Scenario& s) -> double& { return s.network.reorder_ms; }, true));
    // Disk and clocks.
    add("disk-ms", "MIN-MAX", "durable write latency",
        range_ms([](Scenario& s) -> double& { return s.disk.latency_ms_min; },
                 [](Scenario& s) -> double& { return s.disk.latency_ms_max; }, true));
    add("skew-ms", "MS", "largest absolute clock offset given to each node",
        millis([](Scenario& s) -> double& { return s.clocks.skew_ms_max; }, true));
    add("drift", "RATIO", "largest absolute clock drift given to each node",
        number([](Scenario& s) -> double& { return s.clocks.drift_max; }, 0, 0.5,
               "a drift ratio between 0 and 0.5"));
    add("tick-phase", "random|aligned", "random sub-tick timer phase per node, or all aligned",
        [](Scenario& s, std::string_view key, std::string_view v) -> Error {
          if (v != "random" && v != "aligned") return expected(key, "random or aligned", v);
          s.clocks.random_tick_phase = v == "random";
          return std::nullopt;
        });
    add("clock", "NODE SKEW_MS DRIFT", "explicit clock of one node (repeatable)", apply_clock);
    // Fenced writer.
    add("write-interval-ms", "MS", "the leader writes to the fenced resource this often",
        millis([](Scenario& s) -> double& { return s.writer.interval_ms; }, false));
    add("fencing", "on|off", "the resource rejects writes with an old token",
        on_off([](Scenario& s) -> bool& { return s.writer.fencing; }));
    add("write-check-lease", "on|off", "the leader writes only while its lease is valid",
        on_off([](Scenario& s) -> bool& { return s.writer.check_lease; }));
    // Nemesis.
    add("nemesis", "on|off", "random fault schedule per seed",
        on_off([](Scenario& s) -> bool& { return s.nemesis.enabled; }));
    add("nemesis-interval-ms", "MIN-MAX", "time between random faults",
        range_ms([](Scenario& s) -> double& { return s.nemesis.interval_ms_min; },
                 [](Scenario& s) -> double& { return s.nemesis.interval_ms_max; }, false));
    add("nemesis-heal-fraction", "0..1", "final part of the run without faults",
        number([](Scenario& s) -> double& { return s.nemesis.heal_fraction; }, 0, 1,
               "a fraction between 0 and 1"));
    add("nemesis-faults", "LIST", "fault kinds: " + join(kNemesisFaults), apply_nemesis_faults);
    return t;
  }();
  return settings;
}

}  // namespace

const std::vector<SettingInfo>& setting_keys() {
  static const std::vector<SettingInfo> keys = [] {
    std::vector<SettingInfo> out;
    for (const auto& setting : table()) out.push_back(setting.info);
    return out;
  }();
  return keys;
}

bool simulator_only_setting(std::string_view key) {
  static const std::vector<std::string_view> keys = {"duration",
                                                     "description",
                                                     "down-queue",
                                                     "unsafe-multiple-votes",
                                                     "unsafe-lease-ignores-drift",
                                                     "unsafe-reset-campaign-with-lease",
                                                     "latency-ms",
                                                     "latency-normal-ms",
                                                     "loss",
                                                     "duplicate",
                                                     "reorder",
                                                     "reorder-ms",
                                                     "disk-ms",
                                                     "skew-ms",
                                                     "drift",
                                                     "tick-phase",
                                                     "clock",
                                                     "write-interval-ms",
                                                     "fencing",
                                                     "write-check-lease",
                                                     "nemesis",
                                                     "nemesis-interval-ms",
                                                     "nemesis-heal-fraction",
                                                     "nemesis-faults"};
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::optional<std::string> apply_node_setting(Scenario& scenario, std::string_view key,
                                              std::string_view value) {
  if (simulator_only_setting(key)) {
    // Built with append(): GCC 12 warns falsely (-Wrestrict) on a chain of operator+ here.
    std::string message = "'";
    message.append(key);
    message.append(
        "' is a simulator setting (baton sim): a real node's network, clocks, disk and faults "
        "are real");
    return message;
  }
  return apply_setting(scenario, key, value);
}

std::optional<std::string> apply_setting(Scenario& scenario, std::string_view key,
                                         std::string_view value) {
  value = text::trim(value);
  for (const auto& setting : table()) {
    if (setting.info.key == key) return setting.apply(scenario, key, value);
  }
  std::vector<std::string> names;
  for (const auto& setting : table()) names.push_back(setting.info.key);
  std::string message = "unknown setting '" + std::string(key) + "'";
  const auto close = text::close_matches(key, names);
  if (!close.empty()) message += "; did you mean " + join(close) + "?";
  return message;
}

std::optional<std::string> campaign_on_leader_reset_conflict(const Scenario& scenario) {
  if (!scenario.raft.campaign_on_leader_reset) return std::nullopt;
  if (scenario.algorithm != "raft") {
    return "campaign-on-leader-reset is implemented for raft only (algorithm is " +
           scenario.algorithm + ")";
  }
  if (scenario.raft.leader_lease && !scenario.raft.unsafe_reset_campaign_with_lease) {
    return "campaign-on-leader-reset cannot be combined with leader-lease on: the lease assumes no "
           "voter votes within election-timeout-min of hearing the leader, and an early campaign "
           "breaks that; set leader-lease off (docs/runtime.md)";
  }
  if (!scenario.raft.pre_vote) {
    return "campaign-on-leader-reset needs pre-vote on, so a false alarm is harmless";
  }
  return std::nullopt;
}

}  // namespace baton::sim
