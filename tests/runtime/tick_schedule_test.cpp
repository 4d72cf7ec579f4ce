// The tick schedule with made-up instants: how many ticks a waking loop runs, when it wakes next,
// and the rule that every due tick runs before a message or request reaches the core.
#include "runtime/tick_schedule.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace baton::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = TickSchedule::Clock;

/// Records its tick count at every step; wants a tick every `due` ticks.
class RecordingCore final : public Elector {
 public:
  void tick() override { ++ticks; }
  void step(const Envelope&) override { ticks_at_step.push_back(ticks); }
  bool has_output() const override { return false; }
  void take_output(Output&) override {}
  Status status() const override { return {}; }
  HardState hard_state() const override { return {}; }
  RequestResult transfer(NodeId) override { return RequestResult::NotSupported; }
  RequestResult resign() override {
    ticks_at_request.push_back(ticks);
    return RequestResult::Ok;
  }
  std::uint64_t ticks_until_due() const override { return due; }
  std::unique_ptr<Elector> clone() const override { return std::make_unique<RecordingCore>(*this); }
  std::string_view algorithm() const override { return "recording"; }

  std::uint64_t ticks = 0;
  std::uint64_t due = 1;
  std::vector<std::uint64_t> ticks_at_step;
  std::vector<std::uint64_t> ticks_at_request;
};

const Clock::time_point t0 = Clock::time_point{} + 1h;

TEST(TickSchedule, RunsEveryDueTickInOrderAndNoneEarly) {
  TickSchedule schedule(1ms, 50ms);
  schedule.start(t0);
  int runs = 0;
  schedule.run_due(t0 + 999us, [&] { ++runs; });
  EXPECT_EQ(runs, 0) << "tick 1 is due at start + 1 ms";
  schedule.run_due(t0 + 7ms, [&] { ++runs; });
  EXPECT_EQ(runs, 7);
  EXPECT_EQ(schedule.ticks_done(), 7u);
  schedule.run_due(t0 + 7500us, [&] { ++runs; });
  EXPECT_EQ(runs, 7) << "a tick runs once";
  EXPECT_EQ(schedule.time_of(12), t0 + 12ms);
}

TEST(TickSchedule, SleepsUntilTheDueTickAtMostMaxSleep) {
  TickSchedule schedule(1ms, 50ms);
  schedule.start(t0);
  schedule.run_due(t0 + 10ms, [] {});
  EXPECT_EQ(schedule.arm(30), t0 + 40ms);
  schedule.fired();
  EXPECT_EQ(schedule.arm(500), t0 + 60ms) << "capped at max_sleep";
  schedule.fired();
  EXPECT_EQ(schedule.arm(0), t0 + 11ms) << "never the tick already run";
}

TEST(TickSchedule, KeepsAnEarlierTimerAndMovesALaterOne) {
  TickSchedule schedule(1ms, 50ms);
  schedule.start(t0);
  EXPECT_EQ(schedule.arm(20), t0 + 20ms);
  EXPECT_EQ(schedule.arm(30), std::nullopt)
      << "armed for tick 20 already: waking early is harmless";
  EXPECT_EQ(schedule.arm(5), t0 + 5ms) << "something became due sooner";
}

TEST(TickSchedule, EveryDueTickRunsBeforeAMessageReachesTheCore) {
  // A follower that slept 40 ms must see the heartbeat at tick 40, not at the tick it last woke:
  // its stickiness window, which the leader's lease relies on, starts there.
  TickSchedule schedule(1ms, 50ms);
  schedule.start(t0);
  RecordingCore core;
  core.due = 100;
  int drained = 0;
  with_current_ticks(
      core, schedule, t0 + 3ms, [&] { ++drained; }, [] {});
  ASSERT_TRUE(schedule.arm(core.ticks_until_due()));
  with_current_ticks(
      core, schedule, t0 + 40ms + 300us, [&] { ++drained; },
      [&] {
        core.step(Envelope{2, 1, raft::Heartbeat{1, 1}});
      });
  EXPECT_EQ(core.ticks_at_step, std::vector<std::uint64_t>{40});
  const auto result = with_current_ticks(
      core, schedule, t0 + 45ms, [&] { ++drained; }, [&] { return core.resign(); });
  EXPECT_EQ(result, RequestResult::Ok);
  EXPECT_EQ(core.ticks_at_request, std::vector<std::uint64_t>{45}) << "and before a request";
  EXPECT_EQ(drained, 0) << "drain only runs after a tick with output";
}

}  // namespace
}  // namespace baton::runtime
