// The client session keeper's rules (core/store_client/session.hpp), one test per rule.
#include <gtest/gtest.h>

#include <vector>

#include "core/store_client/session.hpp"

namespace baton::store_client {
namespace {

using store::LeaseGrant;
using store::LeaseGrantResult;
using store::LeaseKeepAlive;
using store::LeaseKeepAliveResult;
using store::LeaseRevoke;

constexpr NodeId kSelf = 1;
constexpr NodeId kStore = 9;

SessionConfig config() {
  SessionConfig c;
  c.self = kSelf;
  c.store = kStore;
  c.ttl_ms = 300;
  c.request_timeout_ticks = 20;
  return c;
}

template <class M>
std::vector<M> sent(const std::vector<Envelope>& out) {
  std::vector<M> found;
  for (const auto& e : out) {
    EXPECT_EQ(e.from, kSelf);
    EXPECT_EQ(e.to, kStore);
    if (const auto* m = std::get_if<M>(&e.message)) found.push_back(*m);
  }
  return found;
}

/// Ticks the session from `from` + 1 to `to` inclusive, collecting what it sends.
std::vector<Envelope> run(Session& s, std::uint64_t from, std::uint64_t to) {
  std::vector<Envelope> out;
  for (std::uint64_t t = from + 1; t <= to; ++t) s.tick(t, out);
  return out;
}

/// A session granted lease 5 by an answer to the grant it sent at tick 0.
Session granted(SessionConfig c = config()) {
  Session s(c, 100);
  std::vector<Envelope> out;
  s.start(0, out);
  EXPECT_EQ(s.on(LeaseGrantResult{sent<LeaseGrant>(out).at(0).request, 5, c.ttl_ms}, out),
            SessionChange::Granted);
  return s;
}

TEST(StoreSession, StartRequestsLeaseWithTtl) {
  Session s(config(), 100);
  std::vector<Envelope> out;
  EXPECT_FALSE(s.started());
  s.start(3, out);
  s.start(4, out);  // already started: no second grant
  const auto grants = sent<LeaseGrant>(out);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].ttl_ms, 300u);
  EXPECT_EQ(grants[0].request, 100u);
  EXPECT_TRUE(s.started());
  EXPECT_EQ(s.lease(), 0u);
  EXPECT_FALSE(s.valid_at(3));
}

TEST(StoreSession, ValidityIsDriftScaledTtlMinusMarginMinusOneTick) {
  SessionConfig c = config();
  EXPECT_EQ(validity_ticks(c, 300), 293u);  // floor(300 * 0.99 / 1.01) = 294, - 1
  c.safety_margin_ticks = 5;
  EXPECT_EQ(validity_ticks(c, 300), 288u);
  c.safety_margin_ticks = 0;
  c.max_clock_drift = 0.1;
  EXPECT_EQ(validity_ticks(c, 300), 244u);  // floor(245.45) - 1
  c.ignore_drift = true;
  EXPECT_EQ(validity_ticks(c, 300), 299u) << "the unsafe switch drops the drift term only";
  c.ignore_drift = false;
  c.tick_ms = 2.0;
  EXPECT_EQ(validity_ticks(c, 300), 121u);  // 150 ticks of 2 ms: floor(122.7) - 1
  EXPECT_EQ(validity_ticks(c, 1), 0u) << "never negative";
}

TEST(StoreSession, GrantValidityCountsFromTheGrantsSentTick) {
  Session s(config(), 100);
  std::vector<Envelope> out;
  s.start(10, out);
  const auto change = s.on(LeaseGrantResult{100, 5, 300}, out);  // answered much later
  EXPECT_EQ(change, SessionChange::Granted);
  EXPECT_EQ(s.lease(), 5u);
  EXPECT_EQ(s.until_ticks(), 10u + 293u);
  EXPECT_TRUE(s.valid_at(302));
  EXPECT_FALSE(s.valid_at(303));
}

TEST(StoreSession, ValidityUsesTheTtlTheStoreGranted) {
  Session s(config(), 100);
  std::vector<Envelope> out;
  s.start(0, out);
  s.on(LeaseGrantResult{100, 5, 100}, out);
  EXPECT_EQ(s.until_ticks(), validity_ticks(config(), 100));
}

TEST(StoreSession, KeepAliveEveryRenewFractionOfTtl) {
  Session s = granted();
  EXPECT_EQ(s.renew_interval_ticks(), 100u);
  const auto early = run(s, 0, 99);
  EXPECT_TRUE(early.empty());
  const auto out = run(s, 99, 100);
  const auto ka = sent<LeaseKeepAlive>(out);
  ASSERT_EQ(ka.size(), 1u);
  EXPECT_EQ(ka[0].lease, 5u);
}

TEST(StoreSession, KeepAliveConfirmsFromItsSentTick) {
  Session s = granted();
  const auto ka = sent<LeaseKeepAlive>(run(s, 0, 100)).at(0);
  std::vector<Envelope> out;
  EXPECT_EQ(s.on(LeaseKeepAliveResult{ka.request, 5, 300}, 140, out), SessionChange::Renewed);
  EXPECT_EQ(s.until_ticks(), 100u + 293u) << "from the send at 100, not the answer at 140";
  // The next keepalive is due a renew interval after the last one was sent.
  EXPECT_TRUE(sent<LeaseKeepAlive>(run(s, 140, 199)).empty());
  EXPECT_EQ(sent<LeaseKeepAlive>(run(s, 199, 200)).size(), 1u);
}

TEST(StoreSession, ValidityEndsWithoutRenewal) {
  Session s = granted();
  run(s, 0, 400);  // keepalives leave but nothing answers
  EXPECT_TRUE(s.valid_at(292));
  EXPECT_FALSE(s.valid_at(293));
  EXPECT_EQ(s.lease(), 5u) << "still held: the store may yet renew it";
}

TEST(StoreSession, LostGrantRetriedUnderNewIdOldAnswerRevoked) {
  Session s(config(), 100);
  std::vector<Envelope> out;
  s.start(0, out);
  EXPECT_TRUE(run(s, 0, 19).empty());
  const auto retry = sent<LeaseGrant>(run(s, 19, 20));
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].request, 101u);
  out.clear();
  EXPECT_EQ(s.on(LeaseGrantResult{100, 4, 300}, out), SessionChange::None);
  const auto revokes = sent<LeaseRevoke>(out);
  ASSERT_EQ(revokes.size(), 1u) << "the orphan lease of the old request is given back";
  EXPECT_EQ(revokes[0].lease, 4u);
  EXPECT_EQ(s.on(LeaseGrantResult{101, 5, 300}, out), SessionChange::Granted);
  EXPECT_EQ(s.until_ticks(), 20u + 293u);
}

TEST(StoreSession, RefusedGrantRetriedAfterTimeout) {
  Session s(config(), 100);
  std::vector<Envelope> out;
  s.start(0, out);
  EXPECT_EQ(s.on(LeaseGrantResult{100, 0, 0}, out), SessionChange::None);
  EXPECT_EQ(s.lease(), 0u);
  EXPECT_TRUE(run(s, 0, 19).empty());
  EXPECT_EQ(sent<LeaseGrant>(run(s, 19, 20)).size(), 1u);
}

TEST(StoreSession, LostKeepAliveRetriedUnderNewId) {
  Session s = granted();
  const auto first = sent<LeaseKeepAlive>(run(s, 0, 100)).at(0);
  EXPECT_TRUE(run(s, 100, 119).empty());
  const auto retry = sent<LeaseKeepAlive>(run(s, 119, 120));
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_NE(retry[0].request, first.request);
}

TEST(StoreSession, AnswerToSupersededKeepAliveIgnored) {
  Session s = granted();
  const auto first = sent<LeaseKeepAlive>(run(s, 0, 100)).at(0);
  run(s, 100, 120);  // retried at 120
  std::vector<Envelope> out;
  EXPECT_EQ(s.on(LeaseKeepAliveResult{first.request, 5, 300}, 125, out), SessionChange::None);
  EXPECT_EQ(s.until_ticks(), 293u);
}

TEST(StoreSession, KeepAliveTtlZeroMeansLostAndRegrants) {
  Session s = granted();
  const auto ka = sent<LeaseKeepAlive>(run(s, 0, 100)).at(0);
  std::vector<Envelope> out;
  EXPECT_EQ(s.on(LeaseKeepAliveResult{ka.request, 5, 0}, 101, out), SessionChange::Lost);
  EXPECT_EQ(s.lease(), 0u);
  EXPECT_FALSE(s.valid_at(101));
  EXPECT_EQ(sent<LeaseGrant>(out).size(), 1u) << "a new session is requested at once";
}

TEST(StoreSession, RevokeGivesLeaseBackAndStops) {
  Session s = granted();
  std::vector<Envelope> out;
  s.revoke(out);
  const auto revokes = sent<LeaseRevoke>(out);
  ASSERT_EQ(revokes.size(), 1u);
  EXPECT_EQ(revokes[0].lease, 5u);
  EXPECT_FALSE(s.started());
  EXPECT_FALSE(s.valid_at(1));
  EXPECT_TRUE(run(s, 0, 500).empty()) << "a stopped session sends nothing";
}

}  // namespace
}  // namespace baton::store_client
