// Every scenario file shipped in tests/scenarios parses, has a description and expectations.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sim/scenario_parser.hpp"

namespace baton::sim {
namespace {

std::vector<std::filesystem::path> scenario_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(BATON_SCENARIO_DIR)) {
    if (entry.path().extension() == ".scn") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ScenarioFiles, EveryFileParses) {
  const auto files = scenario_files();
  EXPECT_GE(files.size(), 12u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    try {
      const Scenario s = load_scenario(path.string());
      EXPECT_EQ(s.name, path.stem().string());
      EXPECT_EQ(s.file, path.string());
      EXPECT_FALSE(s.description.empty()) << "add a '# description:' line";
      EXPECT_FALSE(s.expectations.empty()) << "a scenario file should say what it expects";
      EXPECT_FALSE(validate_scenario(s));
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(ScenarioFiles, SpotChecks) {
  const std::string dir = BATON_SCENARIO_DIR;
  const Scenario crash = load_scenario(dir + "/leader-crash.scn");
  ASSERT_EQ(crash.faults.size(), 2u);
  EXPECT_EQ(crash.faults[0].at, 2'000'000);
  EXPECT_EQ(crash.faults[0].fault.kind, Fault::Kind::Crash);
  EXPECT_EQ(crash.faults[1].fault.kind, Fault::Kind::Restart);

  const Scenario fig16 = load_scenario(dir + "/figure16-12-24.scn");
  EXPECT_EQ(fig16.raft.election_timeout_ms_min, 12);
  EXPECT_EQ(fig16.raft.election_timeout_ms_max, 24);
  EXPECT_EQ(fig16.duration, 3'000'000);
  EXPECT_FALSE(fig16.raft.pre_vote);

  const Scenario disk = load_scenario(dir + "/disk-loss.scn");
  EXPECT_EQ(disk.expectations.at(0).kind, Expectation::Kind::Violation);
  EXPECT_EQ(
      std::count_if(disk.faults.begin(), disk.faults.end(),
                    [](const TimedFault& f) { return f.fault.kind == Fault::Kind::CrashWipe; }),
      3);

  const Scenario one_way = load_scenario(dir + "/leader-one-way.scn");
  EXPECT_EQ(one_way.faults.at(0).fault.from.kind, Target::Kind::Others);
  EXPECT_EQ(one_way.faults.at(0).fault.to.kind, Target::Kind::Leader);
}

}  // namespace
}  // namespace baton::sim
