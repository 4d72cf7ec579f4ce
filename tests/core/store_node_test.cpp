// The simulated store node's rules (core/store/store_node.hpp), one test per rule.
#include <gtest/gtest.h>

#include <vector>

#include "core/store/store_node.hpp"

namespace baton::store {
namespace {

constexpr NodeId kStore = 9;

StoreNode make_store(Config c = {}) {
  c.id = kStore;
  return StoreNode(c);
}

Output drain(StoreNode& s) {
  Output out;
  s.take_output(out);
  return out;
}

/// Every message of kind M the store sent, with its receiver.
template <class M>
std::vector<std::pair<NodeId, M>> sent(const Output& out) {
  std::vector<std::pair<NodeId, M>> found;
  for (const auto& e : out.messages) {
    if (const auto* m = std::get_if<M>(&e.message)) found.emplace_back(e.to, *m);
  }
  return found;
}

/// Sends `m` from `from` and returns the single answer of kind R.
template <class R>
R ask(StoreNode& s, NodeId from, const Message& m) {
  s.step(Envelope{from, kStore, m});
  const auto answers = sent<R>(drain(s));
  EXPECT_EQ(answers.size(), 1u);
  if (answers.empty()) return R{};
  EXPECT_EQ(answers[0].first, from) << "answers go to the sender";
  return answers[0].second;
}

LeaseId grant(StoreNode& s, NodeId from, std::uint64_t ttl_ms) {
  return ask<LeaseGrantResult>(s, from, LeaseGrant{1, ttl_ms}).lease;
}

PutResult put(StoreNode& s, NodeId from, Key key, LeaseId lease, Revision expect = 0) {
  return ask<PutResult>(s, from, Put{2, key, from, lease, expect});
}

CreateResult create(StoreNode& s, NodeId from, Key prefix, LeaseId lease) {
  return ask<CreateResult>(s, from, Create{3, prefix, from, lease});
}

void tick(StoreNode& s, int n) {
  for (int i = 0; i < n; ++i) s.tick();
}

TEST(StoreNode, GrantAssignsFreshIdsNeverReused) {
  auto s = make_store();
  const LeaseGrantResult first = ask<LeaseGrantResult>(s, 1, LeaseGrant{7, 100});
  EXPECT_EQ(first.request, 7u);
  EXPECT_EQ(first.ttl_ms, 100u);
  EXPECT_NE(first.lease, 0u);
  s.step(Envelope{1, kStore, LeaseRevoke{8, first.lease}});
  const LeaseId second = grant(s, 1, 100);
  EXPECT_NE(second, 0u);
  EXPECT_NE(second, first.lease);
}

TEST(StoreNode, LeaseExpiresAtDeadlineOfRoundedUpTicks) {
  Config c;
  c.tick_ms = 3.0;  // 10 ms -> ceil(10 / 3) = 4 ticks
  auto s = make_store(c);
  const LeaseId lease = grant(s, 1, 10);
  EXPECT_EQ(s.lease_deadline_tick(lease), 4u);
  put(s, 1, 5, lease);
  tick(s, 3);
  EXPECT_EQ(s.holder(5).owner, 1u) << "alive before the deadline";
  s.tick();
  EXPECT_EQ(s.holder(5).create_revision, 0u) << "gone at the deadline";
  EXPECT_EQ(s.lease_count(), 0u);
}

TEST(StoreNode, KeepAliveRestartsTtlFromArrival) {
  auto s = make_store();
  const LeaseId lease = grant(s, 1, 10);
  tick(s, 8);
  const auto r = ask<LeaseKeepAliveResult>(s, 1, LeaseKeepAlive{4, lease});
  EXPECT_EQ(r.request, 4u);
  EXPECT_EQ(r.lease, lease);
  EXPECT_EQ(r.ttl_ms, 10u);
  EXPECT_EQ(s.lease_deadline_tick(lease), 18u);
  tick(s, 9);
  EXPECT_EQ(s.lease_count(), 1u);
  s.tick();
  EXPECT_EQ(s.lease_count(), 0u);
}

TEST(StoreNode, KeepAliveOfUnknownLeaseAnswersTtlZero) {
  auto s = make_store();
  const LeaseId lease = grant(s, 1, 5);
  tick(s, 5);
  EXPECT_EQ(ask<LeaseKeepAliveResult>(s, 1, LeaseKeepAlive{4, lease}).ttl_ms, 0u);
  EXPECT_EQ(ask<LeaseKeepAliveResult>(s, 1, LeaseKeepAlive{5, 0}).ttl_ms, 0u);
  EXPECT_EQ(ask<LeaseKeepAliveResult>(s, 1, LeaseKeepAlive{6, 999}).ttl_ms, 0u);
}

TEST(StoreNode, ExpiryDeletesEveryBoundEntryOneRevisionEach) {
  auto s = make_store();
  const LeaseId lease = grant(s, 1, 5);
  const LeaseId other = grant(s, 2, 50);
  put(s, 1, 1, lease);
  create(s, 1, 2, lease);
  create(s, 2, 2, other);
  const Revision before = s.revision();
  tick(s, 5);
  EXPECT_EQ(s.revision(), before + 2) << "two deletions, two revisions";
  EXPECT_EQ(s.holder(1).create_revision, 0u);
  EXPECT_EQ(s.holder(2).owner, 2u) << "the other lease's entry stays";
  EXPECT_EQ(s.entry_count(), 1u);
}

TEST(StoreNode, ExpiryFiresWatchesOnDeletedEntries) {
  auto s = make_store();
  const LeaseId lease = grant(s, 1, 5);
  const Entry e = put(s, 1, 1, lease).entry;
  s.step(Envelope{2, kStore, Watch{11, 1, e.create_revision}});
  s.step(Envelope{3, kStore, Watch{12, 1, e.create_revision}});
  EXPECT_TRUE(drain(s).messages.empty()) << "an armed watch is silent";
  tick(s, 5);
  const auto events = sent<WatchEvent>(drain(s));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].first, 2u);
  EXPECT_EQ(events[0].second.request, 11u);
  EXPECT_EQ(events[1].first, 3u);
  EXPECT_EQ(events[1].second.create_revision, e.create_revision);
  EXPECT_EQ(events[1].second.revision, s.revision());
}

TEST(StoreNode, RevokeDeletesAtOnceWithoutAnswer) {
  auto s = make_store();
  const LeaseId lease = grant(s, 1, 1000);
  const Entry e = put(s, 1, 1, lease).entry;
  s.step(Envelope{2, kStore, Watch{11, 1, e.create_revision}});
  s.step(Envelope{1, kStore, LeaseRevoke{12, lease}});
  const Output out = drain(s);
  EXPECT_EQ(s.holder(1).create_revision, 0u);
  EXPECT_EQ(s.lease_count(), 0u);
  EXPECT_EQ(out.messages.size(), 1u) << "only the watch event, no answer to the revoke";
  EXPECT_EQ(sent<WatchEvent>(out).size(), 1u);
}

TEST(StoreNode, PutOnAbsentKeyCreatesAtNewRevision) {
  auto s = make_store();
  const LeaseId lease = grant(s, 1, 1000);
  const PutResult r = put(s, 1, 1, lease);
  EXPECT_TRUE(r.succeeded);
  EXPECT_EQ(r.entry, (Entry{1, lease, 1, 1}));
  EXPECT_EQ(r.revision, 1u);
  EXPECT_EQ(s.status().term, 1u);
}

TEST(StoreNode, PutCompareFailsAndReportsCurrentHolder) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const LeaseId b = grant(s, 2, 1000);
  const Entry held = put(s, 1, 1, a).entry;
  const PutResult r = put(s, 2, 1, b);
  EXPECT_FALSE(r.succeeded);
  EXPECT_EQ(r.entry, held);
  EXPECT_EQ(r.revision, 1u) << "a failed compare writes nothing";
  EXPECT_FALSE(put(s, 2, 1, b, 7).succeeded) << "wrong mod_revision";
}

TEST(StoreNode, PutMatchingModRevisionOverwritesKeepingCreateRevision) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const LeaseId b = grant(s, 2, 1000);
  const Entry held = put(s, 1, 1, a).entry;
  const PutResult r = put(s, 2, 1, b, held.mod_revision);
  EXPECT_TRUE(r.succeeded);
  EXPECT_EQ(r.entry, (Entry{2, b, held.create_revision, held.mod_revision + 1}));
}

TEST(StoreNode, PutNeedsLiveLease) {
  auto s = make_store();
  const LeaseId lease = grant(s, 1, 5);
  EXPECT_FALSE(put(s, 1, 1, 0).succeeded);
  EXPECT_FALSE(put(s, 1, 1, 42).succeeded);
  tick(s, 5);
  EXPECT_FALSE(put(s, 1, 1, lease).succeeded) << "expired lease";
  EXPECT_EQ(s.entry_count(), 0u);
}

TEST(StoreNode, GetAnswersEntryOrLowestUnderPrefix) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const LeaseId b = grant(s, 2, 1000);
  EXPECT_EQ(ask<GetResult>(s, 1, Get{5, 1}).entry.create_revision, 0u);
  const Entry e = put(s, 1, 1, a).entry;
  const GetResult r = ask<GetResult>(s, 2, Get{5, 1});
  EXPECT_EQ(r.request, 5u);
  EXPECT_EQ(r.entry, e);
  const Entry low = create(s, 2, 3, b).entry;
  create(s, 1, 3, a);
  EXPECT_EQ(ask<GetResult>(s, 1, Get{6, 3}).entry, low);
}

TEST(StoreNode, CreateIsIdempotentPerPrefixAndLease) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const CreateResult first = create(s, 1, 2, a);
  const CreateResult again = create(s, 1, 2, a);
  EXPECT_EQ(again.entry, first.entry);
  EXPECT_EQ(again.revision, first.revision) << "a retry writes nothing";
  EXPECT_EQ(s.entry_count(), 1u);
  const CreateResult other = create(s, 1, 3, a);
  EXPECT_NE(other.entry.create_revision, 0u) << "another prefix: a new entry";
  EXPECT_NE(other.entry, first.entry);
  EXPECT_EQ(s.entry_count(), 2u);
}

TEST(StoreNode, CreateSequencesEntriesWithPredecessorAndLowest) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const LeaseId b = grant(s, 2, 1000);
  const LeaseId c = grant(s, 3, 1000);
  const CreateResult ra = create(s, 1, 2, a);
  EXPECT_EQ(ra.entry.create_revision, ra.revision) << "sequence = the new revision";
  EXPECT_EQ(ra.predecessor.create_revision, 0u);
  EXPECT_EQ(ra.lowest, ra.entry);
  const CreateResult rb = create(s, 2, 2, b);
  const CreateResult rc = create(s, 3, 2, c);
  EXPECT_GT(rc.entry.create_revision, rb.entry.create_revision);
  EXPECT_EQ(rc.predecessor, rb.entry);
  EXPECT_EQ(rc.lowest, ra.entry);
}

TEST(StoreNode, PredecessorAnswersEntryBelowLowestAndExistence) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const LeaseId b = grant(s, 2, 5);
  const LeaseId c = grant(s, 3, 1000);
  const Entry ea = create(s, 1, 2, a).entry;
  create(s, 2, 2, b);
  const Entry ec = create(s, 3, 2, c).entry;
  tick(s, 5);  // b's entry expires: c's predecessor is now a's
  const auto r = ask<PredecessorResult>(s, 3, Predecessor{9, 2, ec.create_revision});
  EXPECT_EQ(r.request, 9u);
  EXPECT_TRUE(r.exists);
  EXPECT_EQ(r.predecessor, ea);
  EXPECT_EQ(r.lowest, ea);
  EXPECT_FALSE(ask<PredecessorResult>(s, 3, Predecessor{9, 2, ec.create_revision + 5}).exists);
}

TEST(StoreNode, WatchFiresOnlyOnce) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const Entry e = put(s, 1, 1, a).entry;
  s.step(Envelope{2, kStore, Watch{11, 1, e.create_revision}});
  s.step(Envelope{1, kStore, LeaseRevoke{12, a}});
  EXPECT_EQ(sent<WatchEvent>(drain(s)).size(), 1u);
  EXPECT_EQ(s.watch_count(), 0u);
  const LeaseId b = grant(s, 1, 1000);
  put(s, 1, 1, b);
  s.step(Envelope{1, kStore, LeaseRevoke{13, b}});
  EXPECT_TRUE(sent<WatchEvent>(drain(s)).empty()) << "a new entry at the key is not watched";
}

TEST(StoreNode, WatchOnGoneEntryFiresAtOnce) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const Entry e = put(s, 1, 1, a).entry;
  s.step(Envelope{1, kStore, LeaseRevoke{12, a}});
  const WatchEvent w = ask<WatchEvent>(s, 2, Watch{11, 1, e.create_revision});
  EXPECT_EQ(w.request, 11u);
  EXPECT_EQ(w.create_revision, e.create_revision);
  EXPECT_EQ(w.revision, s.revision());
  EXPECT_EQ(s.watch_count(), 0u);
}

TEST(StoreNode, DuplicateWatchIsOneWatchAnsweringNewestRequest) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  const Entry e = put(s, 1, 1, a).entry;
  s.step(Envelope{2, kStore, Watch{11, 1, e.create_revision}});
  s.step(Envelope{2, kStore, Watch{14, 1, e.create_revision}});
  EXPECT_EQ(s.watch_count(), 1u);
  s.step(Envelope{1, kStore, LeaseRevoke{12, a}});
  const auto events = sent<WatchEvent>(drain(s));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].second.request, 14u);
}

TEST(StoreNode, MalformedRequestsGetFailingAnswers) {
  auto s = make_store();
  EXPECT_EQ(ask<LeaseGrantResult>(s, 1, LeaseGrant{1, 0}).lease, 0u);
  EXPECT_EQ(ask<LeaseGrantResult>(s, 1, LeaseGrant{1, s.config().max_ttl_ms + 1}).lease, 0u);
  const LeaseId a = grant(s, 1, 1000);
  EXPECT_FALSE(put(s, 1, 0, a).succeeded) << "key 0";
  EXPECT_FALSE(ask<PutResult>(s, 1, Put{2, 1, kNoNode, a, 0}).succeeded) << "owner 0";
  EXPECT_EQ(create(s, 1, 0, a).entry.create_revision, 0u) << "prefix 0";
  EXPECT_EQ(create(s, 1, 2, 0).entry.create_revision, 0u) << "lease 0";
  EXPECT_EQ(ask<WatchEvent>(s, 1, Watch{3, 1, 0}).create_revision, 0u) << "names no entry";
  EXPECT_FALSE(ask<PredecessorResult>(s, 1, Predecessor{4, 2, 0}).exists);
  s.step(Envelope{1, kStore, LeaseRevoke{5, 0}});
  EXPECT_TRUE(drain(s).messages.empty());
  EXPECT_EQ(s.entry_count(), 0u);
  EXPECT_EQ(s.revision(), 0u);
}

TEST(StoreNode, LimitsRefuseBeyondThem) {
  Config c;
  c.max_leases = 2;
  c.max_entries = 2;
  c.max_watches = 1;
  auto s = make_store(c);
  const LeaseId a = grant(s, 1, 1000);
  const LeaseId b = grant(s, 2, 1000);
  EXPECT_EQ(grant(s, 3, 1000), 0u);
  const Entry e = put(s, 1, 1, a).entry;
  create(s, 2, 2, b);
  EXPECT_FALSE(put(s, 2, 3, b).succeeded);
  EXPECT_EQ(create(s, 1, 2, a).entry.create_revision, 0u);
  EXPECT_TRUE(put(s, 2, 1, b, e.mod_revision).succeeded) << "an overwrite adds no entry";
  s.step(Envelope{2, kStore, Watch{1, 1, e.create_revision}});
  s.step(Envelope{3, kStore, Watch{2, 1, e.create_revision}});
  EXPECT_EQ(s.watch_count(), 1u);
  EXPECT_TRUE(sent<WatchEvent>(drain(s)).empty()) << "a refused watch is not answered";
}

TEST(StoreNode, RecoverAfterOutageRestartsEveryTtlAndDropsWatches) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 10);
  const Entry e = put(s, 1, 1, a).entry;
  s.step(Envelope{2, kStore, Watch{1, 1, e.create_revision}});
  tick(s, 9);
  s.recover_after_outage();
  EXPECT_EQ(s.lease_deadline_tick(a), 19u);
  EXPECT_EQ(s.watch_count(), 0u);
  tick(s, 10);
  EXPECT_EQ(s.holder(1).create_revision, 0u);
  EXPECT_TRUE(sent<WatchEvent>(drain(s)).empty());
}

TEST(StoreNode, StatusCloneAndRefusedElectorRequests) {
  auto s = make_store();
  const LeaseId a = grant(s, 1, 1000);
  put(s, 1, 1, a);
  const Status st = s.status();
  EXPECT_EQ(st.id, kStore);
  EXPECT_EQ(st.role, Role::Follower);
  EXPECT_EQ(st.term, s.revision());
  EXPECT_EQ(st.leader, kNoNode);
  EXPECT_EQ(s.transfer(1), RequestResult::NotSupported);
  EXPECT_EQ(s.resign(), RequestResult::NotSupported);
  EXPECT_EQ(s.algorithm(), "store");
  const auto copy = s.clone();
  EXPECT_EQ(copy->status().term, s.revision());
}

TEST(StoreNode, IgnoresAnswersAndOtherAlgorithmsMessages) {
  auto s = make_store();
  s.step(Envelope{1, kStore, PutResult{}});
  s.step(Envelope{1, kStore, raft::Heartbeat{}});
  const Output out = drain(s);
  EXPECT_TRUE(out.messages.empty());
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[0].kind, CoreEventKind::MessageIgnored);
}

}  // namespace
}  // namespace baton::store
