#include "sim/nemesis.hpp"

#include <gtest/gtest.h>

#include "sim/scenario_parser.hpp"

namespace baton::sim {
namespace {

std::vector<TimedFault> generate(const Scenario& s, std::uint64_t seed) {
  Rng rng(seed);
  return generate_nemesis(s, rng);
}

Micros heal_point(const Scenario& s) {
  return static_cast<Micros>(static_cast<double>(s.duration) * (1.0 - s.nemesis.heal_fraction));
}

bool same(const std::vector<TimedFault>& a, const std::vector<TimedFault>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Fault &x = a[i].fault, &y = b[i].fault;
    if (a[i].at != b[i].at || x.kind != y.kind || x.targets != y.targets || x.groups != y.groups ||
        x.from != y.from || x.to != y.to || x.duration != y.duration || x.value != y.value) {
      return false;
    }
  }
  return true;
}

TEST(Nemesis, DisabledGivesNothing) {
  Scenario s = default_scenario();
  s.nemesis.enabled = false;
  EXPECT_TRUE(generate(s, 1).empty());
}

TEST(Nemesis, SameSeedSameScheduleDifferentSeedDifferent) {
  const Scenario s = default_scenario();
  EXPECT_TRUE(same(generate(s, 42), generate(s, 42)));
  EXPECT_FALSE(same(generate(s, 42), generate(s, 43)));
  EXPECT_GT(generate(s, 42).size(), 10u);
}

TEST(Nemesis, FaultsStayInSafetyPhaseThenHealSet) {
  const Scenario s = default_scenario();
  const Micros heal_at = heal_point(s);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    const auto faults = generate(s, seed);
    ASSERT_GE(faults.size(), 4u);
    for (std::size_t i = 1; i < faults.size(); ++i) ASSERT_LE(faults[i - 1].at, faults[i].at);
    std::vector<Fault::Kind> heal_set;
    for (const auto& f : faults) {
      ASSERT_LE(f.at, heal_at);
      ASSERT_GE(f.at, 0);
      EXPECT_EQ(f.fault.line, 0);
      if (f.at == heal_at) heal_set.push_back(f.fault.kind);
    }
    EXPECT_EQ(heal_set, (std::vector{Fault::Kind::Heal, Fault::Kind::Restart, Fault::Kind::Resume,
                                     Fault::Kind::SetLoss}))
        << "seed " << seed;
    EXPECT_EQ(faults.back().fault.value, s.network.loss);
  }
}

TEST(Nemesis, KindsRespectEnabledFlags) {
  Scenario s = default_scenario();
  s.nemesis.crashes = false;
  s.nemesis.partitions = false;
  s.nemesis.one_way = false;
  s.nemesis.loss = false;
  s.nemesis.pauses = true;
  const Micros heal_at = heal_point(s);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (const auto& f : generate(s, seed)) {
      if (f.at == heal_at) continue;
      EXPECT_EQ(f.fault.kind, Fault::Kind::Pause);
      EXPECT_GE(f.fault.duration, 50'000);
      EXPECT_LE(f.fault.duration, 1'500'000);
    }
  }
  s.nemesis.pauses = false;
  s.nemesis.partitions = true;
  bool saw_partition = false;
  for (const auto& f : generate(s, 7)) {
    if (f.at == heal_at) continue;
    ASSERT_TRUE(f.fault.kind == Fault::Kind::Partition || f.fault.kind == Fault::Kind::Heal);
    if (f.fault.kind != Fault::Kind::Partition) continue;
    saw_partition = true;
    ASSERT_EQ(f.fault.groups.size(), 2u);
    // The minority side never holds a quorum; together the groups cover every node once.
    EXPECT_LE(f.fault.groups[0].size(), (s.nodes - 1) / 2);
    EXPECT_EQ(f.fault.groups[0].size() + f.fault.groups[1].size(), s.nodes);
  }
  EXPECT_TRUE(saw_partition);
}

TEST(Nemesis, DiskLossOnlyWhenEnabled) {
  Scenario s = default_scenario();
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (const auto& f : generate(s, seed)) EXPECT_NE(f.fault.kind, Fault::Kind::CrashWipe);
  }
  s.nemesis.disk_loss = true;
  bool wiped = false;
  for (std::uint64_t seed = 1; seed <= 20 && !wiped; ++seed) {
    for (const auto& f : generate(s, seed)) wiped |= f.fault.kind == Fault::Kind::CrashWipe;
  }
  EXPECT_TRUE(wiped);
}

// The generator's own bookkeeping: crashed + paused nodes never exceed a minority.
TEST(Nemesis, NeverTakesDownMoreThanAMinority) {
  Scenario s = default_scenario(3);
  s.nemesis.partitions = s.nemesis.one_way = s.nemesis.loss = false;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    std::vector<Micros> down_until;
    for (const auto& f : generate(s, seed)) {
      if (f.fault.kind == Fault::Kind::Pause) {
        for (Micros u : down_until) ASSERT_LE(u, f.at) << "seed " << seed;
        down_until.push_back(f.at + f.fault.duration);
      } else if (f.fault.kind == Fault::Kind::Crash) {
        for (Micros u : down_until) ASSERT_LE(u, f.at) << "seed " << seed;
        down_until.push_back(std::numeric_limits<Micros>::max());
      } else if (f.fault.kind == Fault::Kind::Restart) {
        for (Micros& u : down_until) {
          if (u == std::numeric_limits<Micros>::max()) u = f.at;
        }
      }
    }
  }
}

}  // namespace
}  // namespace baton::sim
