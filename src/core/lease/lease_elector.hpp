// Lease-based leader election on a coordination store (the etcd/Consul lock recipe, Chubby's
// master lease): whoever holds the lock key bound to its live session leads.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "core/elector.hpp"
#include "core/lease/config.hpp"
#include "core/lease/roles.hpp"
#include "core/rng.hpp"
#include "core/store_client/session.hpp"

namespace baton::lease {

/// One candidate of the lease recipe. The store is the authority: the key holds at most one
/// entry, and it dies with its owner's lease. What makes leadership SAFE without asking the store
/// on every action is the session's local validity: the holder counts itself leader only while
/// its lease is certainly still alive on the store (store_client/session.hpp), so it stops before
/// the store can delete its key and let anyone else acquire it (Chubby, Burrows 2006 sec. 2.8).
///
/// Rules (tests/core/lease_rules_test.cpp): every candidate holds a session; with no holder known
/// it tries Put(key, self, lease, expect absent) (compare-and-set: one winner); a holder known ->
/// watch its entry and re-read it every retry interval (a lost watch is recovered); a deleted
/// holder -> Put after a small random delay; the holder leads while its session is valid and
/// steps down when the validity runs out, claiming again only after a re-read shows it holder
/// with a valid session; fence token = create_revision of the acquiring Put; resign revokes the
/// session (the key dies at once) and holds off; other messages are ignored.
class LeaseElector final : public Elector {
 public:
  /// `restored.term` is the largest fence token seen before a crash (or 0).
  LeaseElector(Config config, HardState restored, Rng rng);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  /// term: the holder's token for the leader and for followers that know the holder, else the
  /// largest token seen. lease_valid: leader only, while its session is valid.
  Status status() const override;
  /// term = the largest fence token seen. Not needed for safety (the store is the authority) but
  /// keeps a restarted node's reported term from going backwards.
  HardState hard_state() const override { return hard_state_; }

  /// There is no hand-over in the lock recipe: whoever's Put lands first wins. NotSupported.
  RequestResult transfer(NodeId to) override;
  /// Leader only (else NotLeader): revokes the session, so the key dies on the store at once and
  /// the watchers take over; steps down and neither holds a session nor Puts for
  /// resign_hold_ticks.
  RequestResult resign() override;

  std::unique_ptr<Elector> clone() const override { return std::make_unique<LeaseElector>(*this); }
  std::string_view algorithm() const override { return "lease"; }

  /// Introspection for tests and the simulator.
  const Config& config() const { return config_; }
  Role role() const;
  std::uint64_t now_ticks() const { return now_ticks_; }
  const store_client::Session& session() const { return session_; }
  /// The holder entry this node believes in (create_revision 0: none known).
  store::Entry known_holder() const;

 private:
  // One overload per store answer the recipe uses; step() visits the Message variant.
  void on(const store::LeaseGrantResult& m);
  void on(const store::LeaseKeepAliveResult& m);
  void on(const store::PutResult& m);
  void on(const store::GetResult& m);
  void on(const store::WatchEvent& m);
  /// Everything else (requests, the sequential recipe's answers, other algorithms) is dropped and
  /// counted; constrained so an answer kind above without its handler is a compile error.
  template <class M>
  requires(!std::is_same_v<M, store::LeaseGrantResult> &&
           !std::is_same_v<M, store::LeaseKeepAliveResult> &&
           !std::is_same_v<M, store::PutResult> && !std::is_same_v<M, store::GetResult> &&
           !std::is_same_v<M, store::WatchEvent>) void on(const M& /*m*/) {
    emit(CoreEventKind::MessageIgnored, config_.store, "not a lease-recipe answer");
  }

  /// Acts on the key's entry as the store reported it (Put or Get answer).
  void observe(const store::Entry& entry);
  /// What the session's answer means for the role.
  void on_session(store_client::SessionChange change);

  // Role transitions.
  void become_leader(const store::Entry& entry);
  void follow(const store::Entry& holder);
  void seek(std::uint64_t delay_ticks, std::string_view reason);
  /// Leaves Leading (reported once with its token); no-op otherwise.
  void step_down(std::string_view reason);

  // Requests.
  void send_put();
  void send_read(const store::Entry& holder);

  // Helpers.
  bool on_hold() const { return now_ticks_ < hold_until_tick_; }
  bool is_ours(const store::Entry& entry) const;
  std::uint64_t retry_ticks() {
    return rng_.uniform(config_.retry_ticks_min, config_.retry_ticks_max);
  }
  std::uint64_t jitter_ticks() { return rng_.uniform(0, config_.acquire_jitter_ticks_max); }
  void note_token(store::Revision token);
  void send(const Message& message);
  void emit(CoreEventKind kind, NodeId peer = kNoNode, std::string_view reason = {},
            std::uint64_t value = 0);

  Config config_;
  HardState hard_state_;
  Rng rng_;
  store_client::Session session_;
  RoleState role_;
  std::uint64_t now_ticks_ = 0;
  std::uint64_t hold_until_tick_ = 0;
  /// The Put in flight (0: none) and when it left; answers to older requests are ignored.
  std::uint64_t put_request_ = 0;
  std::uint64_t put_sent_tick_ = 0;
  /// The newest Get; answers to older ones are ignored (they may show an older holder).
  std::uint64_t get_request_ = 0;
  Output output_;
};

}  // namespace baton::lease
