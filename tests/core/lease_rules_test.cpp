// The lease recipe's rules (core/lease/lease_elector.hpp), one test per rule, each driving
// LeaseElectors by hand (against fabricated answers or a real StoreNode, without time).
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <vector>

#include "core/lease/lease_elector.hpp"
#include "core/store/store_node.hpp"

namespace baton::lease {
namespace {

using store::Entry;

constexpr NodeId kStore = 9;

Config test_config(NodeId id) {
  Config c;
  c.id = id;
  c.store = kStore;
  c.ttl_ms = 300;
  c.retry_ticks_min = 100;
  c.retry_ticks_max = 200;
  c.acquire_jitter_ticks_max = 10;
  c.request_timeout_ticks = 50;
  c.resign_hold_ticks = 600;
  return c;
}

LeaseElector make_node(NodeId id, HardState restored = {}, std::uint64_t seed = 7,
                       const std::function<void(Config&)>& tweak = {}) {
  Config c = test_config(id);
  if (tweak) tweak(c);
  return LeaseElector(c, restored, Rng(seed * 1000 + id));
}

Output drain(LeaseElector& n) {
  Output out;
  n.take_output(out);
  return out;
}

template <class M>
std::vector<M> sent(const Output& out) {
  std::vector<M> found;
  for (const auto& e : out.messages) {
    EXPECT_EQ(e.to, kStore);
    if (const auto* m = std::get_if<M>(&e.message)) found.push_back(*m);
  }
  return found;
}

void answer(LeaseElector& n, const Message& m) {
  n.step(Envelope{kStore, n.config().id, m});
}

/// Ticks until the node sends an M (at most `max` ticks); returns it. Output is drained.
template <class M>
std::optional<M> tick_until(LeaseElector& n, std::uint64_t max = 1000) {
  for (std::uint64_t t = 0; t < max; ++t) {
    n.tick();
    const auto found = sent<M>(drain(n));
    if (!found.empty()) return found.front();
  }
  return std::nullopt;
}

/// The node's session granted lease `lease` (grant sent on tick 1).
void grant(LeaseElector& n, store::LeaseId lease) {
  const auto g = tick_until<store::LeaseGrant>(n);
  ASSERT_TRUE(g.has_value());
  answer(n, store::LeaseGrantResult{g->request, lease, g->ttl_ms});
}

/// Node `id` holding the key with `token`, on lease `lease` granted at tick 1; drained.
LeaseElector make_leader(NodeId id = 1, store::LeaseId lease = 5, store::Revision token = 7) {
  auto n = make_node(id);
  grant(n, lease);
  const auto put = tick_until<store::Put>(n);
  answer(n, store::PutResult{put->request, 1, true, Entry{id, lease, token, token}, token});
  drain(n);
  return n;
}

/// Node `id` following `holder` (learnt from a failed Put); drained.
LeaseElector make_follower(NodeId id, const Entry& holder) {
  auto n = make_node(id);
  grant(n, 40 + id);
  const auto put = tick_until<store::Put>(n);
  answer(n, store::PutResult{put->request, 1, false, holder, holder.mod_revision});
  drain(n);
  return n;
}

/// Delivers between the store and the nodes until nobody has anything to say (no time passes).
void pump(store::StoreNode& s, const std::vector<LeaseElector*>& nodes) {
  for (int round = 0; round < 100; ++round) {
    bool any = false;
    for (auto* n : nodes) {
      Output out = drain(*n);
      for (const auto& e : out.messages) {
        s.step(e);
        any = true;
      }
    }
    Output replies;
    s.take_output(replies);
    for (const auto& e : replies.messages) {
      for (auto* n : nodes) {
        if (n->config().id == e.to) n->step(e);
      }
      any = true;
    }
    if (!any) return;
  }
}

TEST(LeaseRules, EveryCandidateRequestsASessionFirst) {
  auto n = make_node(1);
  n.tick();
  const Output out = drain(n);
  const auto grants = sent<store::LeaseGrant>(out);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].ttl_ms, 300u);
  EXPECT_TRUE(sent<store::Put>(out).empty()) << "no Put without a lease";
  EXPECT_EQ(n.role(), Role::Candidate);
}

TEST(LeaseRules, CasAcquireWithExpectAbsent) {
  auto n = make_node(1);
  grant(n, 5);
  const auto put = tick_until<store::Put>(n, 1);
  ASSERT_TRUE(put.has_value()) << "no holder known: Put on the next tick";
  EXPECT_EQ(put->key, 1u);
  EXPECT_EQ(put->owner, 1u);
  EXPECT_EQ(put->lease, 5u);
  EXPECT_EQ(put->expect_mod_revision, 0u);
  answer(n, store::PutResult{put->request, 1, true, Entry{1, 5, 7, 7}, 7});
  const Output out = drain(n);
  EXPECT_EQ(n.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_TRUE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, 7u);
  const Status s = n.status();
  EXPECT_EQ(s.leader, 1u);
  EXPECT_EQ(s.fence_token, 7u);
  EXPECT_EQ(s.term, 7u);
  EXPECT_TRUE(s.lease_valid);
}

TEST(LeaseRules, OnlyOneOfTwoConcurrentCandidatesWins) {
  store::StoreNode s(store::Config{kStore});
  auto a = make_node(1);
  auto b = make_node(2);
  // Both get sessions, then both Put in the same instant: the store applies them in order.
  for (int t = 0; t < 2; ++t) {
    a.tick();
    b.tick();
    pump(s, {&a, &b});
  }
  EXPECT_EQ(a.role(), Role::Leader);
  EXPECT_EQ(b.role(), Role::Follower);
  EXPECT_EQ(b.status().leader, 1u);
  EXPECT_EQ(b.status().term, a.status().fence_token);
  EXPECT_EQ(s.holder(1).owner, 1u);
  EXPECT_EQ(s.watch_count(), 1u) << "the loser watches the winner's entry";
}

TEST(LeaseRules, LoserFollowsAndWatchesTheHolder) {
  auto n = make_node(2);
  grant(n, 6);
  const auto put = tick_until<store::Put>(n);
  answer(n, store::PutResult{put->request, 1, false, Entry{1, 5, 7, 7}, 9});
  const Output out = drain(n);
  const auto watches = sent<store::Watch>(out);
  ASSERT_EQ(watches.size(), 1u);
  EXPECT_EQ(watches[0].create_revision, 7u);
  EXPECT_EQ(n.role(), Role::Follower);
  EXPECT_EQ(n.status().leader, 1u);
}

// An entry with our id but another lease (ours from before a restart) is not ours: our session
// cannot keep it alive, so we wait for it to go like anyone else's.
TEST(LeaseRules, EntryOfAnEarlierSessionIsNotOurs) {
  auto n = make_node(1);
  grant(n, 6);
  const auto put = tick_until<store::Put>(n);
  answer(n, store::PutResult{put->request, 1, false, Entry{1, 5, 7, 7}, 7});
  const Output out = drain(n);
  EXPECT_EQ(n.role(), Role::Follower);
  EXPECT_TRUE(out.leadership.empty());
  EXPECT_EQ(sent<store::Watch>(out).size(), 1u);
}

TEST(LeaseRules, HolderRenewsAtOneThirdTtl) {
  auto n = make_leader();
  while (n.now_ticks() < 100) {
    n.tick();
    ASSERT_TRUE(drain(n).messages.empty()) << "tick " << n.now_ticks();
  }
  n.tick();  // tick 101: 100 ticks after the grant left at tick 1
  const auto ka = sent<store::LeaseKeepAlive>(drain(n));
  ASSERT_EQ(ka.size(), 1u);
  EXPECT_EQ(ka[0].lease, 5u);
}

TEST(LeaseRules, HolderStepsDownAtLocalValidityEndWhenStoreUnreachable) {
  auto n = make_leader();  // grant sent at tick 1: valid while now + 1 <= 1 + 293
  while (n.now_ticks() < 293) {
    n.tick();
    ASSERT_EQ(n.role(), Role::Leader) << "tick " << n.now_ticks();
    ASSERT_TRUE(n.status().lease_valid);
    ASSERT_TRUE(drain(n).leadership.empty());
  }
  n.tick();  // tick 294
  const Output out = drain(n);
  EXPECT_EQ(n.role(), Role::Follower);
  EXPECT_FALSE(n.status().lease_valid);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, 7u);
  EXPECT_EQ(sent<store::Get>(out).size(), 1u) << "re-reads at once";
}

TEST(LeaseRules, SteppedDownHolderReclaimsOnlyAfterReReadShowsItHolder) {
  auto n = make_leader();
  for (int t = 0; t < 400 && n.role() == Role::Leader; ++t) n.tick();
  ASSERT_NE(n.role(), Role::Leader);
  std::optional<store::Get> get = sent<store::Get>(drain(n)).at(0);
  // A late keepalive answer confirms the session again: still no leadership without a re-read.
  const auto ka = tick_until<store::LeaseKeepAlive>(n);
  answer(n, store::LeaseKeepAliveResult{ka->request, 5, 300});
  EXPECT_EQ(n.role(), Role::Follower);
  EXPECT_TRUE(drain(n).leadership.empty());
  get = tick_until<store::Get>(n, 2);
  ASSERT_TRUE(get.has_value()) << "a confirmed session triggers the re-read at once";
  answer(n, store::GetResult{get->request, 1, Entry{1, 5, 7, 7}, 7});
  const Output out = drain(n);
  EXPECT_EQ(n.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_TRUE(out.leadership[0].gained);
  EXPECT_EQ(out.leadership[0].fence_token, 7u) << "the same acquisition, the same token";
}

TEST(LeaseRules, SessionLostStepsDownAtOnce) {
  auto n = make_leader();
  const auto ka = tick_until<store::LeaseKeepAlive>(n);
  answer(n, store::LeaseKeepAliveResult{ka->request, 5, 0});
  const Output out = drain(n);
  EXPECT_NE(n.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  EXPECT_EQ(sent<store::LeaseGrant>(out).size(), 1u) << "a new session at once";
}

TEST(LeaseRules, NonHolderNeverPutsWhileTheHolderStands) {
  auto n = make_follower(2, Entry{1, 5, 7, 7});
  for (int t = 0; t < 3000; ++t) {
    n.tick();
    const Output out = drain(n);
    ASSERT_TRUE(sent<store::Put>(out).empty()) << "tick " << t;
    for (const auto& g : sent<store::Get>(out)) {
      answer(n, store::GetResult{g.request, 1, Entry{1, 5, 7, 7}, 7});
    }
    for (const auto& k : sent<store::LeaseKeepAlive>(out)) {
      answer(n, store::LeaseKeepAliveResult{k.request, k.lease, 300});
    }
  }
  EXPECT_EQ(n.role(), Role::Follower);
}

TEST(LeaseRules, WatchEventTriggersPutAfterSmallRandomDelay) {
  std::vector<std::uint64_t> delays;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto n = make_node(2, {}, seed);
    grant(n, 6);
    const auto put = tick_until<store::Put>(n);
    answer(n, store::PutResult{put->request, 1, false, Entry{1, 5, 7, 7}, 7});
    drain(n);
    answer(n, store::WatchEvent{0, 1, 7, 8});
    EXPECT_EQ(n.role(), Role::Candidate);
    const std::uint64_t at = n.now_ticks();
    const auto again = tick_until<store::Put>(n, 50);
    ASSERT_TRUE(again.has_value());
    delays.push_back(n.now_ticks() - at);
    EXPECT_LE(delays.back(), 11u);
  }
  EXPECT_NE(*std::min_element(delays.begin(), delays.end()),
            *std::max_element(delays.begin(), delays.end()))
      << "the delay is jittered";
}

TEST(LeaseRules, WatchEventOfAnotherEntryIgnored) {
  auto n = make_follower(2, Entry{1, 5, 7, 7});
  answer(n, store::WatchEvent{0, 1, 3, 8});
  EXPECT_EQ(n.role(), Role::Follower);
  EXPECT_EQ(n.status().leader, 1u);
}

TEST(LeaseRules, LostWatchRecoveredByReRead) {
  auto n = make_follower(2, Entry{1, 5, 7, 7});
  // Re-reads every [100, 200] ticks for as long as it follows: the first shows the holder still
  // there, the second that it vanished unheard.
  for (const Entry& seen : {Entry{1, 5, 7, 7}, Entry{}}) {
    const std::uint64_t from = n.now_ticks();
    Output out;
    std::optional<store::Get> get;
    for (int t = 0; t < 300 && !get; ++t) {
      n.tick();
      out = drain(n);
      if (!sent<store::Get>(out).empty()) get = sent<store::Get>(out)[0];
      for (const auto& k : sent<store::LeaseKeepAlive>(out)) {
        answer(n, store::LeaseKeepAliveResult{k.request, k.lease, 300});
      }
    }
    ASSERT_TRUE(get.has_value());
    EXPECT_GE(n.now_ticks() - from, 100u);
    EXPECT_LE(n.now_ticks() - from, 200u);
    EXPECT_EQ(sent<store::Watch>(out).size(), 1u) << "the watch is re-armed with the read";
    answer(n, store::GetResult{get->request, 1, seen, 9});
  }
  EXPECT_TRUE(tick_until<store::Put>(n, 11).has_value());
}

TEST(LeaseRules, ResignReleasesAtOnceAndHoldsOff) {
  auto n = make_leader();
  EXPECT_EQ(n.resign(), RequestResult::Ok);
  Output out = drain(n);
  const auto revokes = sent<store::LeaseRevoke>(out);
  ASSERT_EQ(revokes.size(), 1u);
  EXPECT_EQ(revokes[0].lease, 5u);
  EXPECT_NE(n.role(), Role::Leader);
  ASSERT_EQ(out.leadership.size(), 1u);
  EXPECT_FALSE(out.leadership[0].gained);
  const std::uint64_t at = n.now_ticks();
  // The key is free, but for the hold it only re-reads: no session, no Put.
  std::size_t reads = 0;
  for (int t = 0; t < 599; ++t) {
    n.tick();
    out = drain(n);
    ASSERT_TRUE(sent<store::Put>(out).empty());
    ASSERT_TRUE(sent<store::LeaseGrant>(out).empty());
    for (const auto& g : sent<store::Get>(out)) {
      answer(n, store::GetResult{g.request, 1, {}, 9});
      ++reads;
    }
  }
  EXPECT_GE(reads, 2u) << "it keeps learning who leads";
  const auto g = tick_until<store::LeaseGrant>(n, 2);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(n.now_ticks(), at + 600);
}

TEST(LeaseRules, ResignNeedsLeadershipTransferUnsupported) {
  auto n = make_follower(2, Entry{1, 5, 7, 7});
  EXPECT_EQ(n.resign(), RequestResult::NotLeader);
  EXPECT_EQ(n.transfer(1), RequestResult::NotSupported);
  EXPECT_EQ(n.algorithm(), "lease");
}

TEST(LeaseRules, FenceTokenIsAcquiringRevisionAndGrowsAcrossHolders) {
  store::StoreNode s(store::Config{kStore});
  auto a = make_node(1);
  auto b = make_node(2);
  for (int t = 0; t < 2; ++t) {
    a.tick();
    b.tick();
    pump(s, {&a, &b});
  }
  ASSERT_EQ(a.role(), Role::Leader);
  const FenceToken first = a.status().fence_token;
  EXPECT_EQ(first, s.holder(1).create_revision);
  a.resign();
  pump(s, {&a, &b});  // the revoke deletes the key; b's watch fires
  for (int t = 0; t < 20 && b.role() != Role::Leader; ++t) {
    b.tick();
    a.tick();
    pump(s, {&a, &b});
  }
  ASSERT_EQ(b.role(), Role::Leader);
  EXPECT_EQ(b.status().fence_token, s.holder(1).create_revision);
  EXPECT_GT(b.status().fence_token, first);
}

TEST(LeaseRules, RestartKeepsTokenMonotonic) {
  auto n = make_leader(1, 5, 42);
  const HardState hs = n.hard_state();
  EXPECT_EQ(hs.term, 42u);
  auto restarted = make_node(1, hs, 8);
  EXPECT_EQ(restarted.status().term, 42u) << "before it has heard anything";
  grant(restarted, 9);
  EXPECT_EQ(restarted.status().term, 42u);
}

TEST(LeaseRules, TokensSeenArePersisted) {
  auto n = make_node(2);
  grant(n, 6);
  const auto put = tick_until<store::Put>(n);
  answer(n, store::PutResult{put->request, 1, false, Entry{1, 5, 11, 11}, 11});
  const Output out = drain(n);
  ASSERT_TRUE(out.hard_state.has_value());
  EXPECT_EQ(out.hard_state->term, 11u);
}

TEST(LeaseRules, AnswersToOldRequestsIgnored) {
  auto n = make_node(1);
  grant(n, 5);
  const auto put = tick_until<store::Put>(n);
  const auto retry = tick_until<store::Put>(n, 60);  // unanswered: retried under a new id
  ASSERT_TRUE(retry.has_value());
  EXPECT_NE(retry->request, put->request);
  answer(n, store::PutResult{put->request, 1, false, Entry{2, 8, 3, 3}, 3});
  EXPECT_EQ(n.role(), Role::Candidate) << "the old answer changed nothing";
  answer(n, store::PutResult{retry->request, 1, false, Entry{1, 5, 4, 4}, 4});
  EXPECT_EQ(n.role(), Role::Leader) << "the retry shows the first Put landed";

  // Only the newest Get counts: an older one may show an older state of the key.
  auto f = make_follower(2, Entry{1, 5, 7, 7});
  const auto first = tick_until<store::Get>(f, 300);
  const auto second = tick_until<store::Get>(f, 300);
  ASSERT_TRUE(first.has_value() && second.has_value());
  answer(f, store::GetResult{first->request, 1, Entry{}, 9});
  EXPECT_EQ(f.role(), Role::Follower) << "the old answer changed nothing";
  EXPECT_EQ(f.status().leader, 1u);
}

TEST(LeaseRules, PutRefusedOnFreeKeyBacksOff) {
  auto n = make_node(1);
  grant(n, 5);
  const auto put = tick_until<store::Put>(n);
  answer(n, store::PutResult{put->request, 1, false, Entry{}, 3});
  EXPECT_FALSE(tick_until<store::Put>(n, 99).has_value()) << "no Put storm on a dead lease";
}

TEST(LeaseRules, IgnoresMessagesNotFromTheStoreOrNotItsOwn) {
  auto n = make_follower(2, Entry{1, 5, 7, 7});
  n.step(Envelope{3, 2, store::WatchEvent{0, 1, 7, 8}});
  n.step(Envelope{kStore, 2, store::CreateResult{}});
  n.step(Envelope{kStore, 2, raft::Heartbeat{}});
  n.step(Envelope{kStore, 2, store::WatchEvent{0, 2, 7, 8}});  // a watch of another key
  const Output out = drain(n);
  EXPECT_EQ(n.role(), Role::Follower);
  ASSERT_EQ(out.events.size(), 4u);
  for (const auto& e : out.events) EXPECT_EQ(e.kind, CoreEventKind::MessageIgnored);
}

}  // namespace
}  // namespace baton::lease
