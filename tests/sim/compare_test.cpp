// `baton sim compare`: the fault matrix, the JSON shape the issue names, and the charts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/compare.hpp"
#include "sim/compare_svg.hpp"
#include "sim/scenario_parser.hpp"
#include "sim/settings.hpp"

namespace baton::sim {
namespace {

CompareReport small_comparison() {
  CompareOptions o;
  o.algorithms = {"raft", "bully"};
  o.seeds = 3;
  o.sizes = {3, 5};
  o.size_seeds = 2;
  return compare(o);
}

TEST(Compare, EveryMatrixFaultParsesForEveryAlgorithm) {
  for (const std::string& algorithm : algorithm_names()) {
    for (const MatrixFault& f : fault_matrix()) {
      if (f.store_only && !is_store_based(algorithm)) continue;
      for (std::uint32_t n : {3u, 5u, 9u}) {
        const Scenario s = matrix_scenario(f.name, algorithm, n);
        EXPECT_EQ(s.algorithm, algorithm);
        EXPECT_EQ(s.nodes, n);
        EXPECT_EQ(s.name, f.name);
        EXPECT_FALSE(validate_scenario(s).has_value()) << f.name << " " << algorithm;
      }
    }
  }
  EXPECT_THROW(matrix_scenario("no-such-fault", "raft", 5), ScenarioError);
}

TEST(Compare, JsonHasOneEntryPerAlgorithmAndFault) {
  const CompareReport report = small_comparison();
  const auto j = nlohmann::json::parse(compare_json(report));
  ASSERT_EQ(j["algorithms"].size(), 2u);
  EXPECT_EQ(j["algorithms"][0]["algorithm"], "raft");
  EXPECT_EQ(j["algorithms"][1]["algorithm"], "bully");
  std::size_t non_store_faults = 0;
  for (const MatrixFault& f : fault_matrix()) non_store_faults += f.store_only ? 0 : 1;
  for (const auto& a : j["algorithms"]) {
    ASSERT_EQ(a["scenarios"].size(), non_store_faults);
    for (const auto& s : a["scenarios"]) {
      for (const char* key : {"scenario", "safety_violations", "stale_writes_accepted",
                              "messages_per_election", "time_to_first_leader_ms", "failover_ms"}) {
        EXPECT_TRUE(s.contains(key)) << key;
      }
      EXPECT_EQ(s["seeds"], 3);
    }
    ASSERT_EQ(a["scaling"].size(), 2u);
    EXPECT_EQ(a["scaling"][0]["nodes"], 3);
    EXPECT_GT(a["scaling"][1]["messages_per_election"]["mean"].get<double>(), 0.0);
    EXPECT_TRUE(a["summary"]["fencing_stopped_every_stale_write"].get<bool>());
  }
  // Raft elects with pre-vote and votes: 4(n-1) messages per single-round election at the least.
  EXPECT_GE(j["algorithms"][0]["scaling"][1]["messages_per_election"]["mean"].get<double>(), 16.0);
}

TEST(Compare, TextTableNamesEveryAlgorithmAndFault) {
  const CompareReport report = small_comparison();
  const std::string text = compare_text(report);
  for (const char* word : {"raft", "bully", "leader-crash", "minority-partition", "n=5"}) {
    EXPECT_NE(text.find(word), std::string::npos) << word;
  }
  EXPECT_NE(text.find("n/a"), std::string::npos);  // the store outage does not apply to them
}

TEST(Compare, ChartsDrawOneSeriesPerAlgorithm) {
  const CompareReport report = small_comparison();
  for (const std::string& svg : {failover_chart_svg(report), messages_chart_svg(report)}) {
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    std::size_t lines = 0;
    for (std::size_t at = svg.find("<polyline"); at != std::string::npos;
         at = svg.find("<polyline", at + 1)) {
      ++lines;
    }
    EXPECT_EQ(lines, 2u);
    EXPECT_NE(svg.find(">raft<"), std::string::npos);
    EXPECT_NE(svg.find(">bully<"), std::string::npos);
  }
}

}  // namespace
}  // namespace baton::sim
