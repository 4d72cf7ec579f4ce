// A simulation scenario as data: the cluster, the algorithm's settings, the network, clocks and
// disk, a timed fault schedule and the expectations to check. Filled by the scenario-file parser
// (scenario_parser.hpp) and by command-line flags through the same settings table (settings.hpp);
// consumed by the simulator (simulator.hpp). Times are simulated microseconds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace baton::sim {

/// Simulated time in microseconds since the start of a run.
using Micros = std::int64_t;
inline constexpr Micros kMicrosPerMilli = 1000;
inline constexpr Micros ms_to_micros(double ms) {
  return static_cast<Micros>(ms * 1000.0 + 0.5);
}

/// Settings of the Raft-style elector, in milliseconds (converted to ticks with tick_ms).
struct RaftSettings {
  double election_timeout_ms_min = 150;
  double election_timeout_ms_max = 300;
  double candidate_timeout_ms_min = 0;  ///< 0/0 = same as the election timeout
  double candidate_timeout_ms_max = 0;
  double heartbeat_ms = 50;
  bool pre_vote = true;
  bool check_quorum = true;
  bool leader_lease = true;
  /// A follower whose connection to its leader resets (the leader's process died) campaigns at
  /// once, after a pre-vote (RaftElector::leader_connection_lost()). The runtime's
  /// --campaign-on-leader-reset; needs pre-vote on and leader-lease off.
  bool campaign_on_leader_reset = false;
  double max_clock_drift = 0.01;  ///< the drift bound the algorithm assumes (ratio)
  std::uint32_t backoff_after_failed_elections = 3;
  std::uint32_t backoff_max_factor = 8;
  double resign_hold_ms = 1000;
  std::vector<std::uint32_t> priorities;  ///< per node, index 0 = node 1; empty = all 1
  double priority_step_ms = 0;            ///< 0 = half the timeout range
  NodeId preferred_leader = kNoNode;
  /// Test-only: break a safety rule on purpose to prove the checkers fire.
  bool unsafe_multiple_votes = false;
  bool unsafe_lease_ignores_drift = false;
  bool unsafe_reset_campaign_with_lease = false;  ///< campaign-on-leader-reset despite the lease
};

/// Settings of Bully (Garcia-Molina). Its leader timeout and heartbeat are the shared
/// `election-timeout-ms` range and `heartbeat-ms` (RaftSettings).
struct BullySettings {
  double answer_timeout_ms = 20;       ///< no Answer this long after Election: become coordinator
  double coordinator_timeout_ms = 60;  ///< no Coordinator this long after an Answer: start again
};

/// Settings of Ring election (Chang-Roberts with ring repair). Leader timeout and heartbeat are the
/// shared `election-timeout-ms` and `heartbeat-ms`.
struct RingSettings {
  double ack_timeout_ms = 20;  ///< a ring message not acked this long: skip the successor
};

/// Settings of ZAB's fast leader election. Leader timeout and heartbeat (Ping) are the shared
/// `election-timeout-ms` and `heartbeat-ms`.
struct ZabSettings {
  double finalize_wait_ms = 200;  ///< ZooKeeper's hard-coded finalizeWait
};

/// Settings of the store-based recipes (lease, sequential): the lease/session TTL on the store's
/// clock. Renewal at a third of it; `max-clock-drift` is the drift bound their validity assumes.
struct StoreRecipeSettings {
  double ttl_ms = 300;
};

enum class LatencyModel : std::uint8_t { Uniform, Normal };

struct NetworkSettings {
  LatencyModel model = LatencyModel::Uniform;
  double latency_ms_min = 1;  ///< Uniform: [min, max]
  double latency_ms_max = 5;
  double latency_ms_mean = 3;  ///< Normal: mean and stddev, truncated at 0
  double latency_ms_stddev = 1;
  double loss = 0;       ///< probability a message is dropped
  double duplicate = 0;  ///< probability a message is delivered twice
  double reorder = 0;    ///< probability a message gets an extra delay of up to reorder_ms
  double reorder_ms = 20;
};

struct NodeClock {
  double skew_ms = 0;  ///< offset of the node's clock from true time
  double drift = 0;    ///< rate error: local = true * (1 + drift); 0.001 = 1 ms fast per second
};

struct ClockSettings {
  double skew_ms_max = 0;  ///< each node without an explicit clock gets a skew in [-max, max]
  double drift_max = 0;    ///< ... and a drift in [-max, max]
  std::map<NodeId, NodeClock> per_node;
  /// Each node's ticks start at a random sub-tick phase, as real processes' timers do. Off
  /// (aligned) only for tests that need exact tick instants.
  bool random_tick_phase = true;
};

struct DiskSettings {
  double latency_ms_min = 0;  ///< durable write latency, uniform in [min, max]
  double latency_ms_max = 0;
};

/// The simulated fenced resource: the leader writes to it every interval_ms of its own clock.
struct WriterSettings {
  double interval_ms = 20;
  bool fencing = true;       ///< false (test-only): the resource accepts every write
  bool check_lease = false;  ///< the leader writes only while its lease is valid
};

/// A random fault schedule generated per seed (the default fault mix): a safety phase with faults,
/// then everything healed for a liveness phase.
struct NemesisSettings {
  bool enabled = false;
  double interval_ms_min = 300;  ///< time between faults
  double interval_ms_max = 1500;
  double heal_fraction = 0.25;  ///< the last part of the run has no faults (liveness phase)
  bool crashes = true;
  bool partitions = true;
  bool one_way = true;
  bool loss = true;
  bool pauses = true;
  bool disk_loss = false;  ///< crash with disk loss breaks Raft's assumptions: off by default
};

/// Who a fault or expectation is about. Role targets are resolved when the fault fires.
struct Target {
  enum class Kind : std::uint8_t {
    Node,      ///< node `node`
    Leader,    ///< the current leader (highest-term live leader); skipped if there is none
    Follower,  ///< a random live node that is not the leader
    Random,    ///< a random live node
    Crashed,   ///< every crashed node (restart)
    Paused,    ///< every paused node (resume)
    All,       ///< every node
    Others,    ///< everyone not named on the other side (cuts) or in earlier groups (partitions)
    Minority,  ///< the smallest group of the most recent partition (expectations)
    Store,     ///< the simulated store node (lease and sequential only)
  };
  Kind kind = Kind::Node;
  NodeId node = kNoNode;
  friend bool operator==(const Target&, const Target&) = default;
};

struct Fault {
  enum class Kind : std::uint8_t {
    Crash,      ///< targets lose volatile state; persisted hard state survives
    CrashWipe,  ///< targets crash and lose their disk too
    Restart,    ///< crashed targets start again from what their disk holds
    Pause,      ///< targets freeze (long GC); resume after `duration` if > 0
    Resume,     ///< paused targets wake up
    Isolate,    ///< targets can neither send nor receive
    Partition,  ///< `groups` can talk only within themselves
    Cut,        ///< messages from `from` to `to` are dropped; both ways if `both_ways`
    Heal,       ///< all partitions, isolations and cuts are removed
    SetLoss,    ///< network loss probability becomes `value`
    SetDuplicate,
    SetLatency,  ///< uniform latency becomes [value, value2] ms
    Resign,      ///< targets (normally the leader) resign
    Transfer,    ///< the leader transfers leadership to `to`
    /// Every connection of the targets closes while their processes live (a middlebox, a peer
    /// dropping the connection): both ends see the close. Only campaign-on-leader-reset acts on it.
    Reset,
  };
  Kind kind = Kind::Crash;
  std::vector<Target> targets;
  std::vector<std::vector<Target>> groups;  ///< Partition only
  Target from, to;                          ///< Cut and Transfer
  bool both_ways = false;
  Micros duration = 0;  ///< Pause: automatic resume after this long (0 = until Resume)
  double value = 0, value2 = 0;
  int line = 0;  ///< source line in the scenario file, 0 if generated
};

struct TimedFault {
  Micros at = 0;  ///< absolute simulated time
  Fault fault;
};

struct Expectation {
  enum class Kind : std::uint8_t {
    FirstLeaderWithin,  ///< a quorum-acknowledged leader exists within `within` of start
    FailoverWithin,     ///< every measured failover took at most `within`
    NoLeaderAmong,      ///< no node of `nodes` is leader during [from, to]
    LeaderIs,           ///< at time `from`, the acknowledged leader is `nodes[0]`
    LeaderAtEnd,        ///< a quorum-acknowledged leader exists when the run ends
    StableLeader,       ///< the acknowledged (leader, term) does not change during [from, to]
    TwoLeaders,         ///< at some instant in [from, to] two live nodes both believe they lead
    Violation,          ///< the sweep finds at least one violation of `invariant` (checker tests)
  };
  Kind kind = Kind::LeaderAtEnd;
  Micros within = 0;
  Micros from = 0, to = 0;
  std::vector<Target> nodes;
  std::string invariant;  ///< Violation: "election-safety", "lease-safety" or "fencing"
  int line = 0;
  std::string text;  ///< the expectation as written, for reports
};

struct Scenario {
  std::string name = "default";  ///< file stem, or "default"
  std::string file;              ///< path it was read from, if any
  std::string description;       ///< from `# description:` or the `description` key
  std::string algorithm = "raft";
  std::uint32_t nodes = 5;
  Micros duration = 10'000'000;
  double tick_ms = 1;
  /// Deferred input, as the runtime does it: a message for a node whose core says
  /// input_can_wait() is held and handed to step() right after that node's next due tick (or as
  /// soon as the core stops saying so). Off: every message is stepped the instant it arrives.
  bool defer_input = false;
  /// The sender's queue for a peer that is down (the runtime's OutgoingLink, bounded at
  /// queue_limit_frames): a message whose delivery finds its receiver crashed waits in a
  /// per-(sender, receiver) queue of at most this many messages (the oldest dropped beyond it) and
  /// is re-sent when the receiver restarts. 0: such a message is dropped (runs recorded before this
  /// setting replay unchanged).
  std::uint32_t down_queue_frames = 0;
  RaftSettings raft;
  BullySettings bully;
  RingSettings ring;
  ZabSettings zab;
  StoreRecipeSettings store;
  NetworkSettings network;
  ClockSettings clocks;
  DiskSettings disk;
  WriterSettings writer;
  NemesisSettings nemesis;
  std::vector<TimedFault> faults;  ///< sorted by `at` (stable: file order within one instant)
  std::vector<Expectation> expectations;
};

}  // namespace baton::sim
