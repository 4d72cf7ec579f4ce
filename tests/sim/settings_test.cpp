#include "sim/settings.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace baton::sim {
namespace {

using ::testing::HasSubstr;

std::string error_of(std::string_view key, std::string_view value) {
  Scenario s;
  const auto error = apply_setting(s, key, value);
  return error.value_or("(no error)");
}

TEST(Settings, KeysAreUniqueFlagStyleAndDocumented) {
  std::set<std::string> seen;
  for (const auto& info : setting_keys()) {
    EXPECT_TRUE(seen.insert(info.key).second) << info.key;
    for (char c : info.key) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '-') << info.key;
    EXPECT_FALSE(info.value.empty()) << info.key;
    EXPECT_FALSE(info.help.empty()) << info.key;
  }
  EXPECT_GE(seen.size(), 37u);
}

TEST(Settings, AppliesEveryKind) {
  Scenario s;
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"nodes", "7"},
      {"duration", "1.5s"},
      {"tick-ms", "2"},
      {"election-timeout-ms", "100-200"},
      {"candidate-timeout-ms", "300-400"},
      {"heartbeat-ms", "25"},
      {"pre-vote", "off"},
      {"check-quorum", "false"},
      {"leader-lease", "on"},
      {"max-clock-drift", "0.02"},
      {"backoff-after", "0"},
      {"backoff-max-factor", "4"},
      {"resign-hold-ms", "500"},
      {"priorities", "1,2,3,1,1,1,1"},
      {"priority-step-ms", "10"},
      {"preferred-leader", "3"},
      {"latency-normal-ms", "5,2"},
      {"loss", "0.1"},
      {"duplicate", "0.05"},
      {"reorder", "0.2"},
      {"reorder-ms", "30"},
      {"disk-ms", "2"},
      {"skew-ms", "200"},
      {"drift", "0.009"},
      {"clock", "3 120 0.002"},
      {"clock", "4,-50,-0.001"},
      {"write-interval-ms", "10"},
      {"fencing", "off"},
      {"write-check-lease", "on"},
      {"nemesis", "on"},
      {"nemesis-interval-ms", "100-900"},
      {"nemesis-heal-fraction", "0.5"},
      {"nemesis-faults", "crash,pause,disk-loss"},
      {"unsafe-multiple-votes", "on"},
      {"unsafe-lease-ignores-drift", "true"},
      {"description", "hello world"},
  };
  for (const auto& [key, value] : settings) {
    const auto error = apply_setting(s, key, value);
    EXPECT_FALSE(error) << key << ": " << *error;
  }
  EXPECT_EQ(s.nodes, 7u);
  EXPECT_EQ(s.duration, 1'500'000);
  EXPECT_EQ(s.tick_ms, 2);
  EXPECT_EQ(s.raft.election_timeout_ms_min, 100);
  EXPECT_EQ(s.raft.election_timeout_ms_max, 200);
  EXPECT_EQ(s.raft.candidate_timeout_ms_min, 300);
  EXPECT_EQ(s.raft.candidate_timeout_ms_max, 400);
  EXPECT_EQ(s.raft.heartbeat_ms, 25);
  EXPECT_FALSE(s.raft.pre_vote);
  EXPECT_FALSE(s.raft.check_quorum);
  EXPECT_TRUE(s.raft.leader_lease);
  EXPECT_EQ(s.raft.max_clock_drift, 0.02);
  EXPECT_EQ(s.raft.backoff_after_failed_elections, 0u);
  EXPECT_EQ(s.raft.backoff_max_factor, 4u);
  EXPECT_EQ(s.raft.resign_hold_ms, 500);
  EXPECT_EQ(s.raft.priorities, (std::vector<std::uint32_t>{1, 2, 3, 1, 1, 1, 1}));
  EXPECT_EQ(s.raft.priority_step_ms, 10);
  EXPECT_EQ(s.raft.preferred_leader, 3u);
  EXPECT_EQ(s.network.model, LatencyModel::Normal);
  EXPECT_EQ(s.network.latency_ms_mean, 5);
  EXPECT_EQ(s.network.latency_ms_stddev, 2);
  EXPECT_EQ(s.network.loss, 0.1);
  EXPECT_EQ(s.network.duplicate, 0.05);
  EXPECT_EQ(s.network.reorder, 0.2);
  EXPECT_EQ(s.network.reorder_ms, 30);
  EXPECT_EQ(s.disk.latency_ms_min, 2);
  EXPECT_EQ(s.disk.latency_ms_max, 2);
  EXPECT_EQ(s.clocks.skew_ms_max, 200);
  EXPECT_EQ(s.clocks.drift_max, 0.009);
  ASSERT_EQ(s.clocks.per_node.size(), 2u);
  EXPECT_EQ(s.clocks.per_node[3].skew_ms, 120);
  EXPECT_EQ(s.clocks.per_node[3].drift, 0.002);
  EXPECT_EQ(s.clocks.per_node[4].skew_ms, -50);
  EXPECT_EQ(s.writer.interval_ms, 10);
  EXPECT_FALSE(s.writer.fencing);
  EXPECT_TRUE(s.writer.check_lease);
  EXPECT_TRUE(s.nemesis.enabled);
  EXPECT_EQ(s.nemesis.interval_ms_min, 100);
  EXPECT_EQ(s.nemesis.interval_ms_max, 900);
  EXPECT_EQ(s.nemesis.heal_fraction, 0.5);
  EXPECT_TRUE(s.nemesis.crashes);
  EXPECT_TRUE(s.nemesis.pauses);
  EXPECT_TRUE(s.nemesis.disk_loss);
  EXPECT_FALSE(s.nemesis.partitions);
  EXPECT_FALSE(s.nemesis.one_way);
  EXPECT_FALSE(s.nemesis.loss);
  EXPECT_TRUE(s.raft.unsafe_multiple_votes);
  EXPECT_TRUE(s.raft.unsafe_lease_ignores_drift);
  EXPECT_EQ(s.description, "hello world");
}

// A real node refuses what only describes the simulated world, and takes everything else.
TEST(Settings, SimulatorOnlySettingsAreRealKeysAndRefusedForANode) {
  std::size_t simulator_only = 0;
  for (const auto& info : setting_keys()) {
    if (!simulator_only_setting(info.key)) continue;
    ++simulator_only;
    Scenario s;
    const auto error = apply_node_setting(s, info.key, "1");
    ASSERT_TRUE(error.has_value()) << info.key;
    EXPECT_NE(error->find(info.key), std::string::npos) << *error;
  }
  EXPECT_EQ(simulator_only, 24u) << "every name in simulator_only_setting() is a key of the table";
  for (const char* key : {"loss", "nemesis", "down-queue", "unsafe-multiple-votes", "clock",
                          "unsafe-reset-campaign-with-lease"}) {
    EXPECT_TRUE(simulator_only_setting(key)) << key;
  }
  for (const char* key :
       {"tick-ms", "heartbeat-ms", "election-timeout-ms", "defer-input", "leader-lease",
        "max-clock-drift", "priorities", "ttl-ms", "campaign-on-leader-reset"}) {
    EXPECT_FALSE(simulator_only_setting(key)) << key;
  }
  Scenario s;
  EXPECT_EQ(apply_node_setting(s, "heartbeat-ms", "10"), std::nullopt);
  EXPECT_EQ(s.raft.heartbeat_ms, 10.0);
}

TEST(Settings, DurationUnits) {
  Scenario s;
  for (const auto& [text, micros] : std::vector<std::pair<std::string, Micros>>{{"10s", 10'000'000},
                                                                                {"500ms", 500'000},
                                                                                {"2m", 120'000'000},
                                                                                {"1.5s", 1'500'000},
                                                                                {"3", 3'000'000},
                                                                                {"250us", 250}}) {
    ASSERT_FALSE(apply_setting(s, "duration", text)) << text;
    EXPECT_EQ(s.duration, micros) << text;
  }
}

TEST(Settings, LatencyRangeSelectsUniformModel) {
  Scenario s;
  ASSERT_FALSE(apply_setting(s, "latency-normal-ms", "4,1"));
  ASSERT_FALSE(apply_setting(s, "latency-ms", "2-8ms"));
  EXPECT_EQ(s.network.model, LatencyModel::Uniform);
  EXPECT_EQ(s.network.latency_ms_min, 2);
  EXPECT_EQ(s.network.latency_ms_max, 8);
  ASSERT_FALSE(apply_setting(s, "election-timeout-ms", "200"));
  EXPECT_EQ(s.raft.election_timeout_ms_min, 200);
  EXPECT_EQ(s.raft.election_timeout_ms_max, 200);
}

TEST(Settings, ErrorsNameKeyFormAndValue) {
  EXPECT_EQ(error_of("election-timeout-ms", "abc"),
            "election-timeout-ms: expected MIN-MAX or a single value in milliseconds, greater "
            "than 0, got 'abc'");
  EXPECT_EQ(error_of("election-timeout-ms", "300-150"),
            "election-timeout-ms: MIN must be <= MAX, got '300-150'");
  EXPECT_THAT(error_of("algorithm", "multipaxos"),
              HasSubstr("expected one of raft, bully, ring, paxos, zab, lease, sequential, got "
                        "'multipaxos'"));
  EXPECT_THAT(error_of("nodes", "0"), HasSubstr("nodes: expected a whole number from 1 to 1000"));
  EXPECT_THAT(error_of("nodes", "1001"), HasSubstr("got '1001'"));
  EXPECT_THAT(error_of("loss", "1.5"), HasSubstr("loss: expected a probability between 0 and 1"));
  EXPECT_THAT(error_of("duplicate", "-0.1"), HasSubstr("duplicate: expected a probability"));
  EXPECT_THAT(error_of("duration", "10 parsecs"), HasSubstr("duration: expected a positive"));
  EXPECT_THAT(error_of("duration", "0s"), HasSubstr("duration: expected a positive"));
  EXPECT_THAT(error_of("heartbeat-ms", "0"), HasSubstr("heartbeat-ms: expected a number"));
  EXPECT_THAT(error_of("pre-vote", "maybe"), HasSubstr("pre-vote: expected on|off"));
  EXPECT_THAT(error_of("max-clock-drift", "0.6"), HasSubstr("between 0 and 0.5"));
  EXPECT_THAT(error_of("clock", "3 120"), HasSubstr("clock: expected NODE SKEW_MS DRIFT"));
  EXPECT_THAT(error_of("priorities", "1,x"), HasSubstr("priorities: expected a comma-separated"));
  EXPECT_THAT(error_of("nemesis-faults", "crash,flood"),
              HasSubstr("crash, partition, one-way, loss, pause, disk-loss"));
  EXPECT_THAT(error_of("latency-normal-ms", "5"), HasSubstr("MEAN,STDDEV"));
  EXPECT_THAT(error_of("nemesis-interval-ms", "0-5"), HasSubstr("greater than 0"));
}

TEST(Settings, UnknownKeySuggestsCloseMatches) {
  EXPECT_EQ(error_of("heartbeat", "5"), "unknown setting 'heartbeat'; did you mean heartbeat-ms?");
  EXPECT_THAT(error_of("elction-timeout-ms", "5"), HasSubstr("did you mean election-timeout-ms"));
  EXPECT_EQ(error_of("zzzzzzzz", "5"), "unknown setting 'zzzzzzzz'");
}

// The command line iterates setting_keys() and calls apply_setting with `--KEY VALUE`; a flag
// vector must produce exactly what the same lines in a file produce.
TEST(Settings, FlagStyleRoundTrip) {
  const std::vector<std::string> argv = {
      "--nodes", "3", "--election-timeout-ms", "12-24", "--loss", "0.2", "--pre-vote", "off"};
  Scenario from_flags;
  for (std::size_t i = 0; i + 1 < argv.size(); i += 2) {
    ASSERT_TRUE(argv[i].starts_with("--"));
    const auto error = apply_setting(from_flags, std::string_view(argv[i]).substr(2), argv[i + 1]);
    ASSERT_FALSE(error) << *error;
  }
  Scenario from_file;
  for (const auto& [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"nodes", "3"},
                                                        {"election-timeout-ms", "12-24"},
                                                        {"loss", "0.2"},
                                                        {"pre-vote", "off"}}) {
    ASSERT_FALSE(apply_setting(from_file, k, v));
  }
  EXPECT_EQ(from_flags.nodes, 3u);
  EXPECT_EQ(from_flags.nodes, from_file.nodes);
  EXPECT_EQ(from_flags.raft.election_timeout_ms_min, from_file.raft.election_timeout_ms_min);
  EXPECT_EQ(from_flags.raft.election_timeout_ms_max, 24);
  EXPECT_EQ(from_flags.network.loss, from_file.network.loss);
  EXPECT_EQ(from_flags.raft.pre_vote, from_file.raft.pre_vote);
}

}  // namespace
}  // namespace baton::sim
