// The ephemeral-sequential election's rules (ZooKeeper's leader election recipe, etcd's
// concurrency.Election, as baton implements it), one test per rule. Most drive one
// SequentialElector by hand with crafted store answers; the herd and lost-watch tests run a few
// electors against the real simulated StoreNode on an in-memory FIFO network.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "core/sequential/sequential_elector.hpp"
#include "core/store/store_node.hpp"

namespace baton::sequential_test {
namespace {

using sequential::SequentialElector;
using store::Entry;

constexpr NodeId kStore = 100;
constexpr store::LeaseId kLease = 77;

/// Small timings: TTL 60 ms at 1 ms ticks -> keep-alive every 20 ticks, local validity
/// floor(60 * 0.99 / 1.01) - 1 = 57 ticks; watch re-armed every 40 ticks; retries after 10.
sequential::Config test_config(NodeId id) {
  sequential::Config c;
  c.id = id;
  c.store = kStore;
  c.session_ttl_ms = 60;
  c.recheck_ticks = 40;
  c.request_timeout_ticks = 10;
  c.resign_hold_ticks = 50;
  return c;
}

using Tweak = std::function<void(sequential::Config&)>;

SequentialElector make_node(NodeId id, const Tweak& tweak = {}, HardState restored = {}) {
  sequential::Config c = test_config(id);
  if (tweak) tweak(c);
  return SequentialElector(c, restored, Rng(id));
}

Output drain(Elector& node) {
  Output out;
  node.take_output(out);
  return out;
}

bool has_event(const Output& out, CoreEventKind kind) {
  for (const auto& e : out.events) {
    if (e.kind == kind) return true;
  }
  return false;
}

/// The messages of kind M in `out` (all go to the store).
template <class M>
std::vector<M> sent_of(const Output& out) {
  std::vector<M> found;
  for (const auto* list : {&out.early_messages, &out.messages}) {
    for (const auto& e : *list) {
      if (const auto* m = std::get_if<M>(&e.message)) found.push_back(*m);
    }
  }
  return found;
}

Entry entry(NodeId owner, store::LeaseId lease, store::Revision rev) {
  return Entry{owner, lease, rev, rev};
}

void from_store(SequentialElector& node, const Message& m) {
  node.step(Envelope{kStore, node.config().id, m});
}

/// First tick: the node asks for a session; the store grants `lease`. Returns the Create sent.
store::Create grant(SequentialElector& node, store::LeaseId lease = kLease) {
  node.tick();
  const auto grants = sent_of<store::LeaseGrant>(drain(node));
  EXPECT_EQ(grants.size(), 1u);
  if (grants.empty()) return {};
  from_store(node, store::LeaseGrantResult{grants[0].request, lease, grants[0].ttl_ms});
  const auto creates = sent_of<store::Create>(drain(node));
  EXPECT_EQ(creates.size(), 1u);
  return creates.empty() ? store::Create{} : creates[0];
}

/// A node granted `kLease` and told its entry `own` has `predecessor` and `lowest`.
SequentialElector placed(NodeId id, Entry own, Entry predecessor, Entry lowest,
                         const Tweak& tweak = {}) {
  auto node = make_node(id, tweak);
  const store::Create c = grant(node, own.lease);
  from_store(node, store::CreateResult{c.request, c.prefix, own, predecessor, lowest,
                                       own.create_revision});
  return node;
}

/// Node 1 leading with sequence 5 (drained).
SequentialElector leader(const Tweak& tweak = {}) {
  const Entry own = entry(1, kLease, 5);
  auto node = placed(1, own, {}, own, tweak);
  drain(node);
  return node;
}

/// Node 3 with sequence 9 waiting on node 2's sequence 7; node 1 (sequence 5) leads.
SequentialElector waiter() {
  auto node = placed(3, entry(3, kLease, 9), entry(2, 12, 7), entry(1, 11, 5));
  drain(node);
  return node;
}

// ---- an in-memory cluster with the real store node -------------------------------------------

/// N electors (ids 1..N) and one StoreNode on a FIFO network with crashes and a drop filter. Just
/// enough for the rules that need a real store; sequential_cluster_test.cpp uses the shared one.
class MiniCluster {
 public:
  explicit MiniCluster(std::size_t n, const Tweak& tweak = {})
      : store_(store::Config{kStore}),
        crashed_(n + 1, false),
        sent_by_(n + 1, std::vector<std::size_t>(kMessageCounterSlots, 0)) {
    for (NodeId id = 1; id <= n; ++id) nodes_.push_back(make_node(id, tweak));
  }
  SequentialElector& node(NodeId id) { return nodes_[id - 1]; }
  store::StoreNode& store() { return store_; }
  void crash(NodeId id) { crashed_[id] = true; }
  /// Messages for which this returns true are lost.
  std::function<bool(const Envelope&)> drop;

  void run(std::size_t ticks) {
    for (std::size_t t = 0; t < ticks; ++t) {
      store_.tick();
      collect(store_);
      for (NodeId id = 1; id <= nodes_.size(); ++id) {
        if (crashed_[id]) continue;
        node(id).tick();
        collect(node(id));
      }
      deliver_all();
    }
  }
  /// Runs until exactly one live node leads (or `max_ticks`); returns it or kNoNode.
  NodeId run_until_leader(std::size_t max_ticks = 2000) {
    for (std::size_t t = 0; t < max_ticks; ++t) {
      if (const NodeId l = leader(); l != kNoNode) return l;
      run(1);
    }
    return leader();
  }
  NodeId leader() {
    NodeId found = kNoNode;
    for (NodeId id = 1; id <= nodes_.size(); ++id) {
      if (crashed_[id] || node(id).role() != Role::Leader) continue;
      if (found != kNoNode) return kNoNode;
      found = id;
    }
    return found;
  }
  /// Delivered messages of kind M, in total and to one node.
  template <class M>
  std::size_t delivered() const {
    return delivered_[counter_slot_of<M>()];
  }
  template <class M>
  std::size_t sent_by(NodeId id) const {
    return sent_by_[id][counter_slot_of<M>()];
  }
  void reset_counters() {
    delivered_.assign(kMessageCounterSlots, 0);
    for (auto& row : sent_by_) row.assign(kMessageCounterSlots, 0);
  }

 private:
  void collect(Elector& e) {
    Output out;
    e.take_output(out);
    for (const auto& m : out.messages) {
      if (m.from <= nodes_.size()) ++sent_by_[m.from][message_counter_slot(m.message)];
      queue_.push_back(m);
    }
  }
  void deliver_all() {
    while (!queue_.empty()) {
      const Envelope e = queue_.front();
      queue_.pop_front();
      if (e.to != kStore && crashed_[e.to]) continue;
      if (e.from != kStore && crashed_[e.from]) continue;  // a crash loses what was in flight
      if (drop && drop(e)) continue;
      ++delivered_[message_counter_slot(e.message)];
      Elector& to = e.to == kStore ? static_cast<Elector&>(store_) : node(e.to);
      to.step(e);
      collect(to);
    }
  }

  store::StoreNode store_;
  std::vector<SequentialElector> nodes_;
  std::vector<bool> crashed_;
  std::deque<Envelope> queue_;
  std::vector<std::size_t> delivered_ = std::vector<std::size_t>(kMessageCounterSlots, 0);
  std::vector<std::vector<std::size_t>> sent_by_;  ///< [sender][counter slot]
};

// ---- rules -------------------------------------------------------------------------------------

// A live session first: the node's first request is a LeaseGrant with the configured TTL, and
// Create follows only once the lease is granted, bound to it.
TEST(SequentialRules, CreatesItsEntryOnlyWithALiveSession) {
  auto node = make_node(1);
  node.tick();
  const Output out = drain(node);
  ASSERT_EQ(sent_of<store::LeaseGrant>(out).size(), 1u);
  EXPECT_EQ(sent_of<store::LeaseGrant>(out)[0].ttl_ms, 60u);
  EXPECT_TRUE(sent_of<store::Create>(out).empty());
  EXPECT_EQ(node.role(), Role::Candidate);
  for (const auto& e : out.messages) EXPECT_EQ(e.to, kStore);

  auto granted = make_node(1);
  const store::Create c = grant(granted, kLease);
  EXPECT_EQ(c.lease, kLease);
  EXPECT_EQ(c.owner, 1u);
  EXPECT_EQ(c.prefix, 2u);
}

// No predecessor: the lowest entry leads, with its sequence as fence token and term, and a valid
// lease (its session's local validity).
TEST(SequentialRules, LowestEntryLeads) {
  auto node = make_node(1);
  const store::Create c = grant(node);
  const Entry own = entry(1, kLease, 5);
  from_store(node, store::CreateResult{c.request, c.prefix, own, {}, own, 5});
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_TRUE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, 5u);
  EXPECT_TRUE(has_event(out, CoreEventKind::BecameLeader));
  EXPECT_TRUE(sent_of<store::Watch>(out).empty());
  const Status s = node.status();
  EXPECT_EQ(s.leader, 1u);
  EXPECT_EQ(s.term, 5u);
  EXPECT_EQ(s.fence_token, 5u);
  EXPECT_TRUE(s.lease_valid);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, 5u);
}

// The lowest entry leads only while its session is surely valid: an answer that comes after the
// local validity ended (here the grant's own answer came late) makes it start over instead.
TEST(SequentialRules, LowestEntryLeadsOnlyWithASurelyValidSession) {
  auto node = make_node(1, [](sequential::Config& c) { c.request_timeout_ticks = 100; });
  node.tick();
  const auto grants = sent_of<store::LeaseGrant>(drain(node));
  ASSERT_EQ(grants.size(), 1u);
  while (node.now_ticks() < 70) node.tick();
  drain(node);
  from_store(node, store::LeaseGrantResult{grants[0].request, kLease, 60});  // valid until 58
  const auto creates = sent_of<store::Create>(drain(node));
  ASSERT_EQ(creates.size(), 1u);
  const Entry own = entry(1, kLease, 5);
  from_store(node, store::CreateResult{creates[0].request, creates[0].prefix, own, {}, own, 5});
  const Output out = drain(node);
  EXPECT_NE(node.role(), Role::Leader);
  EXPECT_TRUE(out.leadership.empty());
  EXPECT_EQ(sent_of<store::LeaseRevoke>(out).size(), 1u);
  EXPECT_EQ(sent_of<store::LeaseGrant>(out).size(), 1u);
}

// A Create answer without an entry bound to our lease (the lease ended between grant and Create)
// places nothing: the node starts over with a new session.
TEST(SequentialRules, CreateAnswerWithoutOurEntryStartsOver) {
  for (const Entry& created : {Entry{}, entry(1, kLease + 1, 5)}) {
    auto node = make_node(1);
    const store::Create c = grant(node);
    from_store(node, store::CreateResult{c.request, c.prefix, created, {}, created, 5});
    const Output out = drain(node);
    EXPECT_EQ(node.role(), Role::Candidate);
    EXPECT_TRUE(out.leadership.empty());
    EXPECT_EQ(node.own_entry().create_revision, 0u);
    EXPECT_EQ(sent_of<store::LeaseGrant>(out).size(), 1u);
  }
}

// A waiter watches its predecessor and nothing else: one Watch, for the predecessor's
// create_revision; it knows the lowest entry's owner as the leader (best effort).
TEST(SequentialRules, WaiterWatchesOnlyItsPredecessor) {
  auto node = make_node(3);
  const store::Create c = grant(node);
  from_store(node, store::CreateResult{c.request, c.prefix, entry(3, kLease, 9), entry(2, 12, 7),
                                       entry(1, 11, 5), 9});
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Follower);
  EXPECT_TRUE(out.leadership.empty());
  const auto watches = sent_of<store::Watch>(out);
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(watches[0].key, 2u);
  EXPECT_EQ(watches[0].create_revision, 7u);
  const Status s = node.status();
  EXPECT_EQ(s.leader, 1u);
  EXPECT_EQ(s.term, 5u);
  EXPECT_EQ(s.fence_token, 0u);
  EXPECT_FALSE(s.lease_valid);
}

// The no-herd property with the real store: each waiter arms exactly one watch, and a leader's
// death wakes exactly one waiter (one WatchEvent), which then leads. (The periodic re-arm is
// pushed out of the way: it is background traffic, not caused by the death.)
TEST(SequentialRules, LeaderDeathWakesExactlyOneWaiter) {
  constexpr std::size_t kNodes = 7;
  MiniCluster cluster(kNodes, [](sequential::Config& c) { c.recheck_ticks = 1000; });
  ASSERT_EQ(cluster.run_until_leader(), 1u);
  cluster.run(5);
  for (NodeId id = 2; id <= kNodes; ++id) {
    EXPECT_EQ(cluster.sent_by<store::Watch>(id), 1u) << "node " << id;
    EXPECT_EQ(cluster.node(id).watched_entry().owner, id - 1) << "node " << id;
  }
  EXPECT_EQ(cluster.sent_by<store::Watch>(1), 0u);
  EXPECT_EQ(cluster.store().watch_count(), kNodes - 1);

  cluster.reset_counters();
  cluster.crash(1);
  ASSERT_EQ(cluster.run_until_leader(), 2u);
  cluster.run(5);
  EXPECT_EQ(cluster.delivered<store::WatchEvent>(), 1u);
  EXPECT_EQ(cluster.delivered<store::Predecessor>(), 1u);
  for (NodeId id = 3; id <= kNodes; ++id) {
    EXPECT_EQ(cluster.sent_by<store::Watch>(id), 0u) << "node " << id;
  }
}

// Woken, a waiter re-reads its predecessor rather than assume it leads: if the predecessor died
// while an earlier entry lives, it watches that one; when nothing is below, it leads.
TEST(SequentialRules, WakeUpRechecksAndWatchesAnEarlierLiveEntry) {
  auto node = waiter();
  from_store(node, store::WatchEvent{0, 2, 7, 20});
  Output out = drain(node);
  auto checks = sent_of<store::Predecessor>(out);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].sequence, 9u);
  EXPECT_EQ(node.role(), Role::Follower);

  // Node 2 (sequence 7) died; node 1 (sequence 5) still lives.
  from_store(node, store::PredecessorResult{checks[0].request, 2, 9, true, entry(1, 11, 5),
                                            entry(1, 11, 5), 20});
  out = drain(node);
  EXPECT_EQ(node.role(), Role::Follower);
  const auto watches = sent_of<store::Watch>(out);
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(watches[0].create_revision, 5u);
  EXPECT_EQ(node.watched_entry().owner, 1u);

  from_store(node, store::WatchEvent{0, 2, 5, 21});
  checks = sent_of<store::Predecessor>(drain(node));
  ASSERT_EQ(checks.size(), 1u);
  from_store(node,
             store::PredecessorResult{checks[0].request, 2, 9, true, {}, entry(3, kLease, 9), 21});
  out = drain(node);
  EXPECT_EQ(node.role(), Role::Leader);
  EXPECT_EQ(node.status().fence_token, 9u);
}

// An event for an entry no longer watched (a re-armed watch firing twice, a delayed event) does
// not trigger a re-check.
TEST(SequentialRules, EventForAnotherEntryIsIgnored) {
  auto node = waiter();
  from_store(node, store::WatchEvent{0, 2, 5, 20});
  const Output out = drain(node);
  EXPECT_TRUE(sent_of<store::Predecessor>(out).empty());
  EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored));
}

// The re-check says our own entry no longer exists (the store ended our session): start over
// with a new session and a new entry.
TEST(SequentialRules, OwnEntryGoneStartsOver) {
  auto node = waiter();
  from_store(node, store::WatchEvent{0, 2, 7, 20});
  const auto checks = sent_of<store::Predecessor>(drain(node));
  ASSERT_EQ(checks.size(), 1u);
  from_store(node,
             store::PredecessorResult{checks[0].request, 2, 9, false, {}, entry(1, 11, 5), 20});
  Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  EXPECT_EQ(node.own_entry().create_revision, 0u);
  ASSERT_EQ(sent_of<store::LeaseGrant>(out).size(), 1u);
  const auto grant_request = sent_of<store::LeaseGrant>(out)[0].request;
  from_store(node, store::LeaseGrantResult{grant_request, 99, 60});
  const auto creates = sent_of<store::Create>(drain(node));
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].lease, 99u);
}

// The store answers a keep-alive with ttl 0: the lease is gone, so the leader steps down at once
// and starts over (a new session and, later, a larger sequence).
TEST(SequentialRules, SessionLossStepsTheLeaderDown) {
  auto node = leader();
  std::vector<store::LeaseKeepAlive> keepalives;
  while (keepalives.empty()) {
    node.tick();
    keepalives = sent_of<store::LeaseKeepAlive>(drain(node));
  }
  EXPECT_EQ(keepalives[0].lease, kLease);
  from_store(node, store::LeaseKeepAliveResult{keepalives[0].request, kLease, 0});
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, 5u);
  EXPECT_EQ(sent_of<store::LeaseGrant>(out).size(), 1u);
  EXPECT_TRUE(sent_of<store::LeaseRevoke>(out).empty()) << "the store already ended it";
  EXPECT_FALSE(node.status().lease_valid);
  EXPECT_EQ(node.status().fence_token, 0u);
}

// The store is unreachable: nothing renews the session, and the leader steps down exactly when
// its local validity (grant sent at tick 1 + 57 ticks) ends, before the store could end the lease.
TEST(SequentialRules, LeaderStepsDownAtLocalValidityEndWhenStoreUnreachable) {
  auto node = leader();
  EXPECT_EQ(node.session().until_ticks(), 1u + 57u);
  std::size_t keepalives = 0;
  while (node.now_ticks() < 57) {
    node.tick();
    const Output out = drain(node);
    keepalives += sent_of<store::LeaseKeepAlive>(out).size();
    ASSERT_EQ(node.role(), Role::Leader) << "tick " << node.now_ticks();
    ASSERT_TRUE(node.status().lease_valid) << "tick " << node.now_ticks();
    ASSERT_TRUE(out.leadership.empty());
  }
  EXPECT_GE(keepalives, 2u) << "keep-alives went out (and were retried) meanwhile";
  node.tick();
  const Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  // It revokes the lease the store may still hold, and asks for a new one.
  ASSERT_EQ(sent_of<store::LeaseRevoke>(out).size(), 1u);
  EXPECT_EQ(sent_of<store::LeaseRevoke>(out)[0].lease, kLease);
  EXPECT_EQ(sent_of<store::LeaseGrant>(out).size(), 1u);
}

// The validity is shrunk by the drift bound and the margin, which the config hands on to the
// session: with the bound ignored (the unsafe switch) the leader would hold on two ticks longer,
// past what a fast store clock guarantees.
TEST(SequentialRules, LocalValidityIsShrunkByTheDriftBoundAndMargin) {
  const auto until = [](const Tweak& tweak) { return leader(tweak).session().until_ticks() - 1; };
  EXPECT_EQ(until({}), 57u);  // floor(60 * .99 / 1.01) - 1
  EXPECT_EQ(until([](sequential::Config& c) { c.unsafe_ignore_drift = true; }), 59u);
  EXPECT_EQ(until([](sequential::Config& c) { c.max_clock_drift = 0.1; }), 48u);
  EXPECT_EQ(until([](sequential::Config& c) { c.safety_margin_ms = 5; }), 52u);
  EXPECT_EQ(until([](sequential::Config& c) { c.tick_ms = 2.0; }), 28u);  // 30 ticks of TTL
}

// A confirmed keep-alive extends the validity from the tick it was SENT, not answered.
TEST(SequentialRules, KeepAliveExtendsValidityFromItsSendTick) {
  auto node = leader();
  std::vector<store::LeaseKeepAlive> keepalives;
  while (keepalives.empty()) {
    node.tick();
    keepalives = sent_of<store::LeaseKeepAlive>(drain(node));
  }
  const std::uint64_t sent_tick = node.now_ticks();
  EXPECT_EQ(sent_tick, 21u) << "renewed at TTL / 3 after the grant was sent";
  for (int i = 0; i < 5; ++i) node.tick();
  from_store(node, store::LeaseKeepAliveResult{keepalives[0].request, kLease, 60});
  EXPECT_EQ(node.session().until_ticks(), sent_tick + 57);
  // An answer to no keep-alive in flight (a duplicate) proves nothing more.
  from_store(node, store::LeaseKeepAliveResult{keepalives[0].request, kLease, 60});
  EXPECT_EQ(node.session().until_ticks(), sent_tick + 57);
}

// Nothing heard from the store: the waiter re-arms its watch every recheck_ticks (the Watch or
// its event may have been lost), and not before.
TEST(SequentialRules, SilentWatchIsReArmedAfterRecheckTicks) {
  auto node = waiter();
  const std::uint64_t armed = node.now_ticks();
  for (std::uint64_t t = 1; t < 40; ++t) {
    node.tick();
    ASSERT_TRUE(sent_of<store::Watch>(drain(node)).empty()) << "tick " << t;
  }
  node.tick();
  const auto watches = sent_of<store::Watch>(drain(node));
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(watches[0].create_revision, 7u);
  EXPECT_EQ(node.now_ticks(), armed + 40);
}

// With the real store: the leader's deletion event is lost, yet the next in line takes over
// after at most recheck_ticks, because its re-armed watch fires at once for a gone entry.
TEST(SequentialRules, LostWatchEventIsRecoveredByTheRecheck) {
  MiniCluster cluster(3);
  ASSERT_EQ(cluster.run_until_leader(), 1u);
  cluster.run(5);
  std::size_t lost = 0;
  cluster.drop = [&](const Envelope& e) {
    if (std::holds_alternative<store::WatchEvent>(e.message) && lost == 0) {
      ++lost;
      return true;
    }
    return false;
  };
  cluster.crash(1);
  // Without the re-arm node 2 would wait forever; with it, within a TTL plus recheck_ticks.
  EXPECT_EQ(cluster.run_until_leader(60 + 40 + 10), 2u);
  EXPECT_EQ(lost, 1u);
}

// Requests whose answers never come are sent again after request_timeout_ticks with a new id:
// the grant, the Create (idempotent per lease) and the re-check.
TEST(SequentialRules, UnansweredRequestsAreRetried) {
  auto node = make_node(1);
  node.tick();
  const auto first = sent_of<store::LeaseGrant>(drain(node));
  ASSERT_EQ(first.size(), 1u);
  for (int t = 1; t < 10; ++t) {
    node.tick();
    ASSERT_TRUE(sent_of<store::LeaseGrant>(drain(node)).empty());
  }
  node.tick();
  const auto second = sent_of<store::LeaseGrant>(drain(node));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].request, first[0].request);
  // The late answer to the first grant is stale.
  from_store(node, store::LeaseGrantResult{first[0].request, 5, 60});
  EXPECT_TRUE(sent_of<store::Create>(drain(node)).empty());

  from_store(node, store::LeaseGrantResult{second[0].request, kLease, 60});
  const auto create = sent_of<store::Create>(drain(node));
  ASSERT_EQ(create.size(), 1u);
  for (int t = 0; t < 10; ++t) node.tick();
  const auto retry = sent_of<store::Create>(drain(node));
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].lease, kLease);
  EXPECT_NE(retry[0].request, create[0].request);

  auto w = waiter();
  from_store(w, store::WatchEvent{0, 2, 7, 20});
  const auto check = sent_of<store::Predecessor>(drain(w));
  ASSERT_EQ(check.size(), 1u);
  for (int t = 0; t < 10; ++t) w.tick();
  const auto again = sent_of<store::Predecessor>(drain(w));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].sequence, 9u);
}

// The fence token is the leader's sequence; with the real store the next leader's is larger,
// and followers' terms (the lowest entry they know) never go back.
TEST(SequentialRules, FenceTokenIsTheSequenceAndGrowsAcrossLeaders) {
  MiniCluster cluster(3);
  ASSERT_EQ(cluster.run_until_leader(), 1u);
  const FenceToken first = cluster.node(1).status().fence_token;
  EXPECT_EQ(first, cluster.node(1).own_entry().create_revision);
  EXPECT_EQ(cluster.node(3).status().term, first);
  cluster.crash(1);
  ASSERT_EQ(cluster.run_until_leader(), 2u);
  const FenceToken second = cluster.node(2).status().fence_token;
  EXPECT_EQ(second, cluster.node(2).own_entry().create_revision);
  EXPECT_GT(second, first);
  EXPECT_EQ(cluster.node(2).hard_state().term, second);
}

// The hard state keeps the largest token seen, persisted only when it grows, and a restart keeps
// Status::term from going back before the first answer.
TEST(SequentialRules, HardStateKeepsTheLargestTokenSeen) {
  auto node = make_node(3, {}, HardState{4, kNoNode, 0});
  EXPECT_EQ(node.status().term, 4u);
  const store::Create c = grant(node);
  from_store(node, store::CreateResult{c.request, c.prefix, entry(3, kLease, 9), entry(2, 12, 7),
                                       entry(1, 11, 5), 9});
  Output out = drain(node);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, 5u);
  from_store(node, store::WatchEvent{0, 2, 7, 20});
  const auto checks = sent_of<store::Predecessor>(drain(node));
  ASSERT_EQ(checks.size(), 1u);
  from_store(node, store::PredecessorResult{checks[0].request, 2, 9, true, entry(1, 11, 5),
                                            entry(1, 11, 5), 20});
  out = drain(node);
  EXPECT_FALSE(out.hard_state.has_value()) << "same token: nothing new to persist";
}

// resign(): the leader revokes its session (so the next in line is woken now), steps down, stays
// out for resign_hold_ticks, then joins again with a new session.
TEST(SequentialRules, ResignRevokesHoldsAndRequeues) {
  auto node = leader();
  EXPECT_EQ(node.resign(), RequestResult::Ok);
  Output out = drain(node);
  EXPECT_EQ(node.role(), Role::Follower);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_TRUE(has_event(out, CoreEventKind::Resigned));
  ASSERT_EQ(sent_of<store::LeaseRevoke>(out).size(), 1u);
  EXPECT_EQ(sent_of<store::LeaseRevoke>(out)[0].lease, kLease);
  const std::uint64_t resigned_at = node.now_ticks();
  while (node.now_ticks() < resigned_at + 49) {
    node.tick();
    ASSERT_TRUE(drain(node).messages.empty()) << "held: no keep-alive, no grant";
  }
  node.tick();
  out = drain(node);
  EXPECT_EQ(node.role(), Role::Candidate);
  ASSERT_EQ(sent_of<store::LeaseGrant>(out).size(), 1u);

  // With the real store: the next in line leads at once, and the resigned node queues at the back.
  MiniCluster cluster(3);
  ASSERT_EQ(cluster.run_until_leader(), 1u);
  ASSERT_EQ(cluster.node(1).resign(), RequestResult::Ok);
  cluster.run(3);
  EXPECT_EQ(cluster.leader(), 2u) << "woken by the revoke, not a TTL later";
  cluster.run(60);
  EXPECT_GT(cluster.node(1).own_entry().create_revision,
            cluster.node(3).own_entry().create_revision);
  EXPECT_EQ(cluster.node(1).watched_entry().owner, 3u);
}

// resign() is for leaders; transfer() does not exist in a queue.
TEST(SequentialRules, ResignNeedsLeadershipAndTransferIsNotSupported) {
  auto node = waiter();
  EXPECT_EQ(node.resign(), RequestResult::NotLeader);
  EXPECT_EQ(node.transfer(1), RequestResult::NotSupported);
  auto l = leader();
  EXPECT_EQ(l.transfer(2), RequestResult::NotSupported);
  EXPECT_EQ(l.role(), Role::Leader);
}

// Messages of other algorithms, store requests, senders other than the store and answers to
// requests not in flight are dropped with a MessageIgnored event and change nothing.
TEST(SequentialRules, ForeignAndStaleMessagesAreIgnored) {
  auto node = waiter();
  const Status before = node.status();
  const std::vector<Envelope> foreign = {
      Envelope{kStore, 3, raft::VoteRequest{}},
      Envelope{kStore, 3, bully::Coordinator{9}},
      Envelope{kStore, 3, store::Create{1, 2, 1, 5}},
      Envelope{kStore, 3, store::PutResult{}},
      Envelope{2, 3, store::WatchEvent{0, 2, 7, 20}},  // not from the store
      Envelope{kStore, 3, store::CreateResult{1, 2, entry(3, 1, 1), {}, entry(3, 1, 1), 1}},
      Envelope{kStore, 3, store::PredecessorResult{1, 2, 9, true, {}, entry(3, kLease, 9), 20}},
      Envelope{kStore, 3, store::LeaseGrantResult{1, 5, 60}},
  };
  for (const auto& e : foreign) {
    node.step(e);
    const Output out = drain(node);
    EXPECT_TRUE(has_event(out, CoreEventKind::MessageIgnored)) << message_name(e.message);
    // At most the revoke of an orphan lease (a grant we never asked for holds nothing).
    EXPECT_EQ(out.messages.size(), sent_of<store::LeaseRevoke>(out).size())
        << message_name(e.message);
    EXPECT_TRUE(out.leadership.empty()) << message_name(e.message);
  }
  const Status after = node.status();
  EXPECT_EQ(after.role, before.role);
  EXPECT_EQ(after.leader, before.leader);
  EXPECT_EQ(node.watched_entry(), entry(2, 12, 7));
}

}  // namespace
}  // namespace baton::sequential_test
