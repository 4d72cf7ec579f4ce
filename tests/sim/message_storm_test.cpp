// The simulator's bound on messages in flight, and the Bully storm that made it necessary.
#include <gtest/gtest.h>

#include "sim/compare.hpp"
#include "sim/simulator.hpp"

namespace baton::sim {
namespace {

/// Sends 500 heartbeats to its neighbour on every tick and never stops: a broken algorithm.
class FloodingElector final : public Elector {
 public:
  FloodingElector(NodeId id, std::uint32_t nodes) : id_(id), to_(id % nodes + 1) {}
  void tick() override {
    for (int i = 0; i < 500; ++i) out_.messages.push_back({id_, to_, raft::Heartbeat{1, 0}});
  }
  void step(const Envelope&) override {}
  bool has_output() const override { return !out_.empty(); }
  void take_output(Output& out) override {
    std::swap(out, out_);
    out_.clear();
  }
  Status status() const override { return Status{.id = id_}; }
  HardState hard_state() const override { return {}; }
  RequestResult transfer(NodeId) override { return RequestResult::NotSupported; }
  RequestResult resign() override { return RequestResult::NotSupported; }
  std::unique_ptr<Elector> clone() const override {
    return std::make_unique<FloodingElector>(*this);
  }
  std::string_view algorithm() const override { return "flood"; }

 private:
  NodeId id_, to_;
  Output out_;
};

TEST(MessageStorm, TooManyMessagesInFlightStopTheRun) {
  Scenario s;
  s.nodes = 3;
  s.duration = 2'000'000;
  RunOptions options;
  options.max_messages_in_flight = 1000;
  options.elector_factory = [](const Scenario& sc, NodeId id, const HardState&, Rng) {
    return std::make_unique<FloodingElector>(id, sc.nodes);
  };
  const RunResult r = run_seed(s, 1, options);
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.violation->invariant, "message-storm");
  EXPECT_LT(r.simulated, 100'000);  // stopped within the first 100 ms, not at the end
}

// Regression: Bully at 33 nodes used to stop virtual time and grow to gigabytes after a leader
// crash (every lower Election made the leader broadcast Coordinator, and followers of a live
// leader campaigned on every Election). Seeds 1-10 of the compare matrix's leader crash.
TEST(MessageStorm, BullyWith33NodesFailsOverWithoutAStorm) {
  const Scenario s = matrix_scenario("leader-crash", "bully", 33);
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const RunResult r = run_seed(s, seed);
    EXPECT_FALSE(r.violation.has_value()) << "seed " << seed << ": " << r.violation->detail;
    EXPECT_EQ(r.failover_ms.size(), 1u) << "seed " << seed;
    EXPECT_LT(r.events, 2'000'000u) << "seed " << seed;
  }
}

}  // namespace
}  // namespace baton::sim
