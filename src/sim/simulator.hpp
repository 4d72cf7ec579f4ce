// Runs a Scenario for one seed (run_seed) or many (sweep), deterministically: the same scenario and
// seed give the same trace byte for byte.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/elector.hpp"
#include "core/message.hpp"
#include "core/rng.hpp"
#include "sim/scenario.hpp"

namespace baton::sim {

/// A broken invariant. The run stops at the first one.
struct Violation {
  std::uint64_t seed = 0;
  Micros time = 0;
  std::string invariant;  ///< "election-safety", "lease-safety", "fencing"
  std::string detail;
  std::vector<std::string> last_events;  ///< the trace lines leading up to it
};

struct ExpectationResult {
  Expectation expectation;
  bool held = true;
  std::string detail;
};

/// Everything measured in one seed's run.
struct RunResult {
  std::uint64_t seed = 0;
  std::optional<Violation> violation;
  std::vector<ExpectationResult> expectations;  ///< per-seed expectations (not Kind::Violation)
  std::optional<double> time_to_first_leader_ms;
  std::vector<double> failover_ms;
  std::uint64_t elections = 0;  ///< real (non-pre-vote) campaigns started
  std::uint64_t pre_vote_rounds = 0;
  std::uint64_t terms_started = 0;  ///< distinct terms in which somebody campaigned
  std::uint64_t leaders_elected = 0;
  std::array<std::uint64_t, kMessageCounterSlots> messages_sent{};
  std::uint64_t election_messages = 0;  ///< vote/pre-vote/TimeoutNow traffic
  /// Messages held for a later tick because the receiving core said input_can_wait()
  /// (Scenario::defer_input); 0 when deferral is off.
  std::uint64_t messages_deferred = 0;
  /// Scenario::down_queue_frames: messages whose delivery found their receiver crashed and that
  /// waited in the sender's queue (a message queued again after a second crash counts again); those
  /// re-sent when the receiver restarted; the oldest dropped beyond the bound; and those lost
  /// because their sender crashed while they waited. All 0 when the setting is 0.
  std::uint64_t messages_down_queued = 0;
  std::uint64_t messages_down_flushed = 0;
  std::uint64_t messages_down_dropped = 0;
  std::uint64_t messages_down_lost = 0;
  std::uint64_t writes_attempted = 0, writes_accepted = 0, writes_rejected = 0;
  std::uint64_t stale_writes_accepted = 0;
  std::uint64_t events = 0;
  Micros simulated = 0;

  bool ok() const;  ///< no violation and every expectation held
};

/// Builds the elector of one node: (scenario, node id, restored hard state, its own Rng). The
/// default (null in RunOptions) is make_elector() from sim/algorithm_factory.hpp; tests plug in
/// fake electors here.
using ElectorFactory =
    std::function<std::unique_ptr<Elector>(const Scenario&, NodeId, const HardState&, Rng)>;

/// Receives the human-readable timeline of a run, one line per event, when tracing.
using TraceSink = std::function<void(const std::string& line)>;

struct RunOptions {
  TraceSink trace;                    ///< null = no trace (fast)
  std::size_t keep_last_events = 40;  ///< lines kept for a violation report
  ElectorFactory elector_factory;     ///< null = make_elector (the scenario's algorithm)
  /// More messages than this in flight at once is a message storm: the run stops with a
  /// "message-storm" violation instead of stalling virtual time and growing without bound.
  std::size_t max_messages_in_flight = 1'000'000;
};

RunResult run_seed(const Scenario& scenario, std::uint64_t seed, const RunOptions& options = {});

struct Distribution {
  std::size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};
Distribution summarize(std::vector<double> samples);

/// A sweep over seeds [first_seed, first_seed + seeds). Holds aggregates only, so memory does not
/// grow with the number of seeds (samples for percentiles aside: one double per failover).
struct SweepReport {
  std::string scenario;
  std::string algorithm;
  std::uint32_t nodes = 0;
  std::uint64_t first_seed = 0;
  std::uint64_t seeds = 0;
  double simulated_seconds = 0;
  std::vector<Violation> violations;  ///< at most one per seed
  std::vector<std::pair<std::uint64_t, ExpectationResult>> failed_expectations;  ///< (seed, ...)
  std::vector<ExpectationResult> sweep_expectations;  ///< Kind::Violation results
  std::uint64_t stale_writes_accepted = 0;
  std::uint64_t writes_accepted = 0, writes_rejected = 0;
  std::uint64_t elections = 0, pre_vote_rounds = 0, terms_started = 0, leaders_elected = 0;
  std::array<std::uint64_t, kMessageCounterSlots> messages_sent{};
  std::uint64_t messages_deferred = 0;     ///< summed RunResult::messages_deferred
  std::uint64_t messages_down_queued = 0;  ///< summed RunResult::messages_down_* (down-queue)
  std::uint64_t messages_down_flushed = 0;
  std::uint64_t messages_down_dropped = 0;
  std::uint64_t messages_down_lost = 0;
  Distribution time_to_first_leader_ms;
  Distribution failover_ms;
  std::vector<double> failover_samples_ms;  ///< every failover measured, sorted (for charts)
  double messages_per_election_mean = 0;
  double messages_per_election_max = 0;  ///< worst single run's mean
  std::uint64_t events = 0;
  double wall_seconds = 0;
  double events_per_second = 0;

  /// No failed per-seed expectations, every sweep expectation held, and no violations, except
  /// that violations of an invariant named by a `Violation` expectation are expected (checker
  /// tests) and do not count as failures.
  bool ok() const;
};

SweepReport sweep(const Scenario& scenario, std::uint64_t first_seed, std::uint64_t seeds);

/// The JSON object `baton sim --json` prints (schema in docs/scenarios.md).
std::string to_json(const SweepReport& report);
/// The readable summary `baton sim` prints.
std::string to_text(const SweepReport& report);

}  // namespace baton::sim
