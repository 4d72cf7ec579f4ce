// The simulated coordination store: the reference implementation of the store protocol
// (core/messages_store.hpp) as one pure, copyable state machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/elector.hpp"
#include "core/messages_store.hpp"
#include "core/store/config.hpp"
#include "core/store/keyspace.hpp"

namespace baton::store {

/// One linearizable store (a replicated etcd or ZooKeeper seen from outside as one state machine):
/// every request is applied in arrival order and answered to the envelope's sender, so the
/// simulator can drive it like any node. It implements Elector only to share the node plumbing of
/// the simulator; it never leads.
///
/// Rules (tests/core/store_node_test.cpp):
/// - Leases: LeaseGrant assigns a new id (never reused) with deadline now + ceil(ttl_ms / tick_ms)
///   on this node's ticks; LeaseKeepAlive restarts it from the tick it arrives (answer ttl 0 if the
///   lease is unknown); at the deadline, or at once on LeaseRevoke, every entry bound to the lease
///   is deleted, each deletion bumping the revision and firing the watches on that entry.
/// - Put: compare-and-set on the key's mod_revision (0 = must be absent), bound to a live lease;
///   answers the entry as it is after. Get answers the key's (lowest) entry.
/// - Create: idempotent per (prefix, lease); a new entry's create_revision is the new revision.
///   CreateResult and PredecessorResult carry the predecessor and the lowest entry.
/// - Watch: fires once when the entry (key, create_revision) is deleted, at once if it is already
///   gone; the same node arming the same entry twice is one watch (the newest request id answers).
/// - Malformed requests (key 0, lease 0 or unknown, ttl 0 or too large, owner 0) get a failing
///   answer; requests beyond Config's limits are refused (see config.hpp).
class StoreNode final : public Elector {
 public:
  explicit StoreNode(Config config);

  void tick() override;
  void step(const Envelope& envelope) override;
  bool has_output() const override { return !output_.empty(); }
  void take_output(Output& out) override;
  /// Role Follower, term = revision(), leader kNoNode: the store takes no part in elections.
  Status status() const override;
  /// The store's data is not an elector's hard state.
  HardState hard_state() const override { return {}; }
  RequestResult transfer(NodeId) override { return RequestResult::NotSupported; }
  RequestResult resign() override { return RequestResult::NotSupported; }
  std::unique_ptr<Elector> clone() const override { return std::make_unique<StoreNode>(*this); }
  std::string_view algorithm() const override { return "store"; }

  /// After an outage of the store service (modelled as unavailability with its data kept, like a
  /// replicated etcd that lost quorum and got it back): every lease gets its full TTL again, as
  /// etcd's lessor does when a new leader is promoted (lessor.Promote: "refresh the expiries of
  /// all leases"), so clients that could not reach the store meanwhile can renew before their
  /// keys vanish. Watches are dropped (clients re-arm them).
  void recover_after_outage();

  /// Introspection for the simulator: the entry at a plain key, or the lowest entry under a prefix
  /// (create_revision 0 = none).
  Entry holder(Key key) const { return keys_.lowest(key); }
  Revision revision() const { return keys_.revision(); }

  /// Introspection for tests.
  const Config& config() const { return config_; }
  std::uint64_t now_ticks() const { return now_ticks_; }
  std::size_t lease_count() const { return leases_.size(); }
  std::size_t entry_count() const { return keys_.size(); }
  std::size_t watch_count() const { return watches_.size(); }
  /// The tick at which `lease` expires, or 0 if it does not exist.
  std::uint64_t lease_deadline_tick(LeaseId lease) const;
  /// TTL ms -> this node's ticks, rounded up (a lease never lives shorter than asked).
  std::uint64_t ttl_ticks(std::uint64_t ttl_ms) const;

 private:
  struct Lease {
    std::uint64_t ttl_ms = 0;
    std::uint64_t deadline_tick = 0;
  };
  struct ArmedWatch {
    NodeId watcher = kNoNode;
    std::uint64_t request = 0;
    Key key = 0;
    Revision create_revision = 0;
  };

  // One overload per request kind; step() visits the Message variant.
  void on(NodeId from, const LeaseGrant& m);
  void on(NodeId from, const LeaseKeepAlive& m);
  void on(NodeId from, const LeaseRevoke& m);
  void on(NodeId from, const Put& m);
  void on(NodeId from, const Get& m);
  void on(NodeId from, const Create& m);
  void on(NodeId from, const Predecessor& m);
  void on(NodeId from, const Watch& m);
  /// Answers and other algorithms' messages are not requests: dropped and counted. Constrained so
  /// that a request kind without its own handler above is a compile error.
  template <class M>
  requires(!std::is_same_v<M, LeaseGrant> && !std::is_same_v<M, LeaseKeepAlive> &&
           !std::is_same_v<M, LeaseRevoke> && !std::is_same_v<M, Put> && !std::is_same_v<M, Get> &&
           !std::is_same_v<M, Create> && !std::is_same_v<M, Predecessor> &&
           !std::is_same_v<M, Watch>) void on(NodeId from, const M& /*m*/) {
    emit(CoreEventKind::MessageIgnored, from, "not a store request");
  }

  bool lease_alive(LeaseId lease) const { return lease != 0 && leases_.count(lease) == 1; }
  /// Deletes the lease and every entry bound to it, firing their watches.
  void end_lease(LeaseId lease);
  /// Deletes one entry and fires (and disarms) its watches.
  void delete_entry(Key key, Revision create_revision);
  void send(NodeId to, const Message& message);
  void emit(CoreEventKind kind, NodeId peer, std::string_view reason, std::uint64_t value = 0);

  Config config_;
  Keyspace keys_;
  /// Ordered by id so that leases expiring on the same tick are ended in a fixed order.
  std::map<LeaseId, Lease> leases_;
  std::vector<ArmedWatch> watches_;
  LeaseId last_lease_ = 0;
  std::uint64_t now_ticks_ = 0;
  Output output_;
};

}  // namespace baton::store
