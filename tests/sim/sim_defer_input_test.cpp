// defer-input: the engine holds a node's input while its core says input_can_wait() and hands it
// over right after the core's next due tick, as the runtime leaves its sockets unread until then.
// First the plumbing with a scripted core (when held messages reach step(), and in what order),
// then whole Raft runs: deferring a leader's input must never cost it its lease.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "fake_electors.hpp"
#include "sim/algorithm_factory.hpp"

namespace baton::sim {
namespace {

using testing::Arrival;
using testing::fake;
using testing::fake_factory;
using testing::FakeSpec;
using testing::node_fault;
using testing::quiet_scenario;

// Node 1 sends Heartbeat{round = its tick} to node 2 every tick; with 1 ms ticks, aligned clocks
// and 1 ms latency, round k reaches node 2 when node 2 has run k ticks (the delivery at k+1 ms is
// queued before node 2's tick k+1). Node 2's core is due every 10 ticks and lets input wait.
const FakeSpec kSender{.send_to = 2, .send_every = 1};
const FakeSpec kWaiter{.due_every = 10, .wait_from_tick = 1};
// Every 5 ticks instead: no message arrives right after the moment a test looks at, so what the
// core sees then is what the engine released at that moment, not what the next arrival flushed.
const FakeSpec kSparseSender{.send_to = 2, .send_every = 5};

Scenario deferring(Micros duration) {
  Scenario s = quiet_scenario(2, duration);
  s.defer_input = true;
  return s;
}

/// The tick count at which node 2's core saw each round, by round (index 0 unused; 0 = never).
std::vector<std::uint64_t> seen_at(const std::vector<Arrival>& arrivals, std::uint64_t rounds) {
  std::vector<std::uint64_t> at(rounds + 1, 0);
  for (const Arrival& a : arrivals) {
    if (a.round <= rounds) at[a.round] = a.at_tick;
  }
  return at;
}

void expect_in_round_order(const std::vector<Arrival>& arrivals) {
  for (std::size_t i = 1; i < arrivals.size(); ++i) {
    EXPECT_LT(arrivals[i - 1].round, arrivals[i].round) << "arrival " << i << " overtook";
  }
}

TEST(DeferInput, HeldMessagesReachTheCoreRightAfterTheDueTickInArrivalOrder) {
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSender}, {2, kWaiter}});
  const Scenario s = deferring(100'000);  // the simulation keeps a reference to it
  Simulation sim(s, 7, opt);
  sim.run_until(9'500);
  EXPECT_TRUE(fake(sim, 2).arrivals.empty()) << "rounds 1..8 arrived but must wait for tick 10";
  sim.run_until(40'500);
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_EQ(arrivals.size(), 39u);
  expect_in_round_order(arrivals);
  const auto at = seen_at(arrivals, 39);
  // Round k arrived at tick k; the due tick then was the next multiple of 10, and the core saw the
  // message after that tick ran and before the one after it.
  for (std::uint64_t k = 1; k <= 39; ++k) EXPECT_EQ(at[k], (k / 10 + 1) * 10) << "round " << k;
  EXPECT_EQ(sim.result().messages_deferred, 39u);
}

TEST(DeferInput, HeldMessagesAreReadAtOnceWhenInputCanNoLongerWait) {
  FakeSpec waiter = kWaiter;
  waiter.wait_until_tick = 27;  // from tick 27 on, every message is wanted at once
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSparseSender}, {2, waiter}});
  const Scenario s = deferring(100'000);  // the simulation keeps a reference to it
  Simulation sim(s, 7, opt);
  sim.run_until(40'500);
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_EQ(arrivals.size(), 7u);  // rounds 5, 10, ..., 35
  expect_in_round_order(arrivals);
  const auto at = seen_at(arrivals, 35);
  EXPECT_EQ(at[5], 10u);
  EXPECT_EQ(at[10], 20u);
  EXPECT_EQ(at[15], 20u);
  // Held for tick 30, read right after tick 27, when the core stopped letting them wait.
  EXPECT_EQ(at[20], 27u);
  EXPECT_EQ(at[25], 27u);
  EXPECT_EQ(at[30], 30u);
  EXPECT_EQ(at[35], 35u);
  EXPECT_EQ(sim.result().messages_deferred, 5u);
}

TEST(DeferInput, HeldMessagesAreReadRightAfterARequestEndsTheWait) {
  Scenario s = deferring(100'000);
  s.faults.push_back({16'500, node_fault(Fault::Kind::Resign, 2)});  // the fake then stops waiting
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSparseSender}, {2, kWaiter}});
  Simulation sim(s, 7, opt);
  sim.run_until(31'500);
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_EQ(arrivals.size(), 6u);  // rounds 5, 10, ..., 30
  expect_in_round_order(arrivals);
  const auto at = seen_at(arrivals, 30);
  EXPECT_EQ(at[5], 10u);
  // Rounds 10 and 15 were held for tick 20; the resign at 16.5 ms (after tick 16, before tick 17)
  // released them at once.
  EXPECT_EQ(at[10], 16u);
  EXPECT_EQ(at[15], 16u);
  for (std::uint64_t k = 20; k <= 30; k += 5) EXPECT_EQ(at[k], k) << "round " << k;
  EXPECT_EQ(sim.result().messages_deferred, 3u);
}

TEST(DeferInput, NothingIsHeldWithoutTheSettingOrWhenTheCoreWantsItsInput) {
  for (const bool setting : {false, true}) {
    SCOPED_TRACE(setting ? "defer-input on, core never lets input wait" : "defer-input off");
    RunOptions opt;
    opt.elector_factory = fake_factory({{1, kSender}, {2, setting ? FakeSpec{} : kWaiter}});
    Scenario s = quiet_scenario(2, 100'000);
    s.defer_input = setting;
    Simulation sim(s, 7, opt);
    sim.run_until(40'500);
    const auto& arrivals = fake(sim, 2).arrivals;
    ASSERT_EQ(arrivals.size(), 39u);
    for (const Arrival& a : arrivals) EXPECT_EQ(a.at_tick, a.round);
    EXPECT_EQ(sim.result().messages_deferred, 0u);
  }
}

TEST(DeferInput, CrashLosesHeldMessages) {
  Scenario s = deferring(100'000);
  s.faults.push_back({15'500, node_fault(Fault::Kind::Crash, 2)});  // holding rounds 10..14
  s.faults.push_back({30'500, node_fault(Fault::Kind::Restart, 2)});
  std::vector<std::string> trace;
  RunOptions opt;
  opt.trace = [&](const std::string& line) { trace.push_back(line); };
  opt.elector_factory = fake_factory({{1, kSender}, {2, kWaiter}});
  Simulation sim(s, 7, opt);
  sim.run_until(60'500);
  // The restarted core hears only what arrived after the restart (round 30 on), never the
  // messages the crashed process had left unread.
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_FALSE(arrivals.empty());
  expect_in_round_order(arrivals);
  for (const Arrival& a : arrivals) EXPECT_GE(a.round, 30u);
  const auto lost = std::count_if(trace.begin(), trace.end(), [](const std::string& line) {
    return line.find("n2  lost 5 held message(s) in the crash") != std::string::npos;
  });
  EXPECT_EQ(lost, 1);
}

TEST(DeferInput, PauseKeepsHeldMessagesForTheResumeBeforeWhatQueuedDuringIt) {
  Scenario s = deferring(100'000);
  s.faults.push_back({15'500, node_fault(Fault::Kind::Pause, 2, 3'000)});  // resumes at 18.5 ms
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSender}, {2, kWaiter}});
  Simulation sim(s, 7, opt);
  sim.run_until(18'400);
  EXPECT_EQ(fake(sim, 2).arrivals.size(), 9u);  // rounds 1..9; 10..14 held, 15..17 in the inbox
  sim.run_until(20'500);
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_EQ(arrivals.size(), 19u);
  expect_in_round_order(arrivals);
  const auto at = seen_at(arrivals, 19);
  // On resume: catch-up ticks 16..18 (tick 20 not reached), then the held rounds, then the inbox.
  for (std::uint64_t k = 10; k <= 17; ++k) EXPECT_EQ(at[k], 18u) << "round " << k;
  for (std::uint64_t k = 18; k <= 19; ++k) EXPECT_EQ(at[k], 20u) << "round " << k;
}

TEST(DeferInput, CatchUpTicksAfterAPauseReadHeldMessagesAtTheDueTick) {
  Scenario s = deferring(100'000);
  s.faults.push_back({15'500, node_fault(Fault::Kind::Pause, 2, 10'000)});  // resumes at 25.5 ms
  RunOptions opt;
  opt.elector_factory = fake_factory({{1, kSender}, {2, kWaiter}});
  Simulation sim(s, 7, opt);
  sim.run_until(25'600);
  const auto& arrivals = fake(sim, 2).arrivals;
  ASSERT_EQ(arrivals.size(), 24u);
  expect_in_round_order(arrivals);
  const auto at = seen_at(arrivals, 24);
  for (std::uint64_t k = 10; k <= 14; ++k) EXPECT_EQ(at[k], 20u) << "round " << k;
  for (std::uint64_t k = 15; k <= 24; ++k) EXPECT_EQ(at[k], 25u) << "round " << k;
}

// ---------------------------------------------------------------------------------------------
// Whole Raft runs

/// What the lease watch saw: the first leader whose lease became valid, and the first moment
/// after that at which any core's state broke "that node leads that term with a valid lease".
struct LeaseWatch {
  NodeId leader = kNoNode;
  Term term = 0;
  std::string broken;  ///< empty while the lease never flickered and leadership never moved
};

/// Wraps a real core and checks its status after every tick, message and request, so a lease
/// that lapses for a moment is seen even if a message read in the same event restores it. With
/// `wait_while_leading` it lets input wait whenever it leads: the core's own rule without its
/// transfer, check-quorum and lease clauses (only the lease clause matters in a fault-free run).
class Watched final : public Elector {
 public:
  Watched(std::unique_ptr<Elector> inner, std::shared_ptr<LeaseWatch> watch,
          bool wait_while_leading)
      : inner_(std::move(inner)),
        watch_(std::move(watch)),
        wait_while_leading_(wait_while_leading) {}

  void tick() override {
    inner_->tick();
    ++ticks_;
    observe("tick");
  }
  void step(const Envelope& envelope) override {
    inner_->step(envelope);
    observe("message");
  }
  bool has_output() const override { return inner_->has_output(); }
  void take_output(Output& out) override { inner_->take_output(out); }
  Status status() const override { return inner_->status(); }
  HardState hard_state() const override { return inner_->hard_state(); }
  RequestResult transfer(NodeId to) override { return inner_->transfer(to); }
  RequestResult resign() override { return inner_->resign(); }
  std::uint64_t ticks_until_due() const override { return inner_->ticks_until_due(); }
  bool input_can_wait() const override {
    return wait_while_leading_ ? inner_->status().role == Role::Leader : inner_->input_can_wait();
  }
  std::unique_ptr<Elector> clone() const override {
    return std::make_unique<Watched>(inner_->clone(), watch_, wait_while_leading_);
  }
  std::string_view algorithm() const override { return inner_->algorithm(); }

 private:
  void observe(const char* after) {
    LeaseWatch& w = *watch_;
    if (!w.broken.empty()) return;
    const Status s = inner_->status();
    if (w.leader == kNoNode) {
      if (s.role == Role::Leader && s.lease_valid) {
        w.leader = s.id;
        w.term = s.term;
      }
      return;
    }
    const bool is_leader = s.role == Role::Leader;
    const bool flicker = s.id == w.leader && (!is_leader || s.term != w.term || !s.lease_valid);
    if (flicker || (s.id != w.leader && is_leader)) {
      // (appended piecewise: GCC 12 -Wrestrict misfires on "n" + std::to_string)
      w.broken = 'n';
      w.broken += std::to_string(s.id);
      w.broken += " after ";
      w.broken += after;
      w.broken += " at its tick " + std::to_string(ticks_);
      w.broken += ": role ";
      w.broken += to_string(s.role);
      w.broken += " term " + std::to_string(s.term);
      w.broken += s.lease_valid ? " lease valid" : " lease NOT valid";
    }
  }

  std::unique_ptr<Elector> inner_;
  std::shared_ptr<LeaseWatch> watch_;
  bool wait_while_leading_;
  std::uint64_t ticks_ = 0;
};

Scenario raft_defer_scenario() {
  Scenario s;
  s.nodes = 5;
  s.duration = 3'000'000;
  s.raft.heartbeat_ms = 10;  // 1 ms ticks: a heartbeat every 10 ticks
  s.defer_input = true;
  return s;
}

struct WatchedRun {
  RunResult result;
  LeaseWatch watch;
  std::uint64_t reads_at_due_tick = 0;  ///< trace lines: the leader read what it held
};

WatchedRun run_watched(const Scenario& s, std::uint64_t seed, bool wait_while_leading = false) {
  auto watch = std::make_shared<LeaseWatch>();
  WatchedRun run;
  RunOptions opt;
  opt.elector_factory = [&](const Scenario& sc, NodeId id, const HardState& hs, Rng rng) {
    return std::make_unique<Watched>(make_elector(sc, id, hs, rng), watch, wait_while_leading);
  };
  opt.trace = [&](const std::string& line) {
    if (line.find("held message(s) after its due tick") != std::string::npos) {
      ++run.reads_at_due_tick;
    }
  };
  run.result = run_seed(s, seed, opt);
  run.watch = *watch;
  return run;
}

std::uint64_t heartbeat_answers(const RunResult& r) {
  return r.messages_sent[message_counter_slot(raft::HeartbeatResponse{})];
}

TEST(DeferInputRaft, FaultFreeRunKeepsOneLeaderAndItsLeaseWithoutAFlicker) {
  const Scenario s = raft_defer_scenario();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const WatchedRun run = run_watched(s, seed);
    const RunResult& r = run.result;
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.elections, 1u);
    EXPECT_EQ(r.leaders_elected, 1u);
    ASSERT_NE(run.watch.leader, kNoNode) << "the lease never became valid";
    EXPECT_EQ(run.watch.broken, "");
    // Nearly every answer waits for the next heartbeat (only followers answer the leader here),
    // and the leader reads them in about one batch per heartbeat, not one wake-up per answer.
    EXPECT_GT(r.messages_deferred, heartbeat_answers(r) / 2);
    EXPECT_LE(r.messages_deferred, heartbeat_answers(r));
    EXPECT_GT(run.reads_at_due_tick, 0u);
    EXPECT_GE(r.messages_deferred, 3 * run.reads_at_due_tick);
  }
}

TEST(DeferInputRaft, WithoutTheSettingNothingIsDeferred) {
  Scenario s = raft_defer_scenario();
  s.defer_input = false;
  const WatchedRun run = run_watched(s, 1);
  EXPECT_TRUE(run.result.ok());
  EXPECT_EQ(run.result.messages_deferred, 0u);
  EXPECT_EQ(run.watch.broken, "");
}

// A heartbeat close to the lease: election timeout 30-60 ticks and no drift give a lease of 29
// ticks from a round's sending. Answers read only at the next heartbeat extend the lease that late,
// so with heartbeat h the lease read at tick s+h covers up to s+29: it lapses at the following
// heartbeat tick unless 2h + 1 <= 29. The core's lease clause in input_can_wait() reads input at
// once whenever waiting would let the lease lapse before the due tick.
Scenario near_lease_scenario(double heartbeat_ms) {
  Scenario s = raft_defer_scenario();
  s.raft.election_timeout_ms_min = 30;
  s.raft.election_timeout_ms_max = 60;
  s.raft.heartbeat_ms = heartbeat_ms;
  s.raft.max_clock_drift = 0;
  s.clocks.drift_max = 0;
  return s;
}

TEST(DeferInputRaft, HeartbeatNearTheLeaseStillNeverFlickers) {
  for (const double heartbeat_ms : {12.0, 15.0}) {
    const Scenario s = near_lease_scenario(heartbeat_ms);
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
      SCOPED_TRACE("heartbeat " + std::to_string(heartbeat_ms) + "ms, seed " +
                   std::to_string(seed));
      const WatchedRun run = run_watched(s, seed);
      EXPECT_TRUE(run.result.ok());
      EXPECT_EQ(run.result.leaders_elected, 1u);
      ASSERT_NE(run.watch.leader, kNoNode);
      EXPECT_EQ(run.watch.broken, "");
      EXPECT_GT(run.result.messages_deferred, 0u);
    }
  }
}

// The check above has teeth: a driver that let a leader's input wait without the lease clause
// loses the lease at every other heartbeat when 2h + 1 > 29.
TEST(DeferInputRaft, WithoutTheLeaseClauseTheLeaseWouldFlicker) {
  const Scenario s = near_lease_scenario(15);
  const WatchedRun run = run_watched(s, 1, /*wait_while_leading=*/true);
  ASSERT_NE(run.watch.leader, kNoNode);
  EXPECT_NE(run.watch.broken.find("lease NOT valid"), std::string::npos) << run.watch.broken;
}

}  // namespace
}  // namespace baton::sim
