// StoreNode: leases, compare-and-set keys, ephemeral sequential entries and watches.
#include "core/store/store_node.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

namespace baton::store {

StoreNode::StoreNode(Config config) : config_(config) {
  assert(config_.tick_ms > 0 && "the store needs a positive tick length");
}

void StoreNode::take_output(Output& out) {
  assert(out.empty() && "take_output needs a cleared Output");
  std::swap(out, output_);
}

Status StoreNode::status() const {
  Status s;
  s.id = config_.id;
  s.role = Role::Follower;
  s.term = keys_.revision();
  s.leader = kNoNode;
  return s;
}

std::uint64_t StoreNode::ttl_ticks(std::uint64_t ttl_ms) const {
  // Rounded up: the store may keep a lease a little longer than asked, never shorter. Clients
  // compute their validity from the TTL in ms and their own ticks, so rounding up here is safe.
  const double ticks = std::ceil(static_cast<double>(ttl_ms) / config_.tick_ms);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(ticks));
}

std::uint64_t StoreNode::lease_deadline_tick(LeaseId lease) const {
  const auto it = leases_.find(lease);
  return it == leases_.end() ? 0 : it->second.deadline_tick;
}

void StoreNode::tick() {
  ++now_ticks_;
  // A lease lives until its deadline tick arrives. Collect first: ending a lease edits leases_.
  std::vector<LeaseId> expired;
  for (const auto& [id, lease] : leases_) {
    if (lease.deadline_tick <= now_ticks_) expired.push_back(id);
  }
  for (LeaseId id : expired) end_lease(id);
}

void StoreNode::recover_after_outage() {
  // etcd's lessor.Promote refreshes every lease's expiry by its full TTL on a new leader: time
  // the service was down must not count against clients, who could not renew meanwhile.
  for (auto& [id, lease] : leases_) lease.deadline_tick = now_ticks_ + ttl_ticks(lease.ttl_ms);
  // Watches live in a store member's memory (etcd's watchers are per connection): an outage
  // loses them. Clients re-arm on their re-read timer.
  watches_.clear();
}

void StoreNode::step(const Envelope& envelope) {
  std::visit([&](const auto& message) { on(envelope.from, message); }, envelope.message);
}

// ---- leases ----------------------------------------------------------------------------------

void StoreNode::on(NodeId from, const LeaseGrant& m) {
  if (m.ttl_ms == 0 || m.ttl_ms > config_.max_ttl_ms) {
    emit(CoreEventKind::MessageIgnored, from, "lease grant: ttl 0 or too large", m.ttl_ms);
    send(from, LeaseGrantResult{m.request, 0, 0});
    return;
  }
  if (leases_.size() >= config_.max_leases) {
    emit(CoreEventKind::MessageIgnored, from, "lease grant: lease limit reached");
    send(from, LeaseGrantResult{m.request, 0, 0});
    return;
  }
  // Ids are never reused: a client holding an old id must never renew someone else's lease.
  const LeaseId id = ++last_lease_;
  leases_[id] = Lease{m.ttl_ms, now_ticks_ + ttl_ticks(m.ttl_ms)};
  send(from, LeaseGrantResult{m.request, id, m.ttl_ms});
}

void StoreNode::on(NodeId from, const LeaseKeepAlive& m) {
  const auto it = leases_.find(m.lease);
  if (m.lease == 0 || it == leases_.end()) {
    // ttl 0 tells the client its lease and every entry bound to it are gone.
    send(from, LeaseKeepAliveResult{m.request, m.lease, 0});
    return;
  }
  // The TTL restarts when the request ARRIVES: clients count their validity from when they SENT
  // it, which is earlier (store_client/session.hpp).
  it->second.deadline_tick = now_ticks_ + ttl_ticks(it->second.ttl_ms);
  send(from, LeaseKeepAliveResult{m.request, m.lease, it->second.ttl_ms});
}

void StoreNode::on(NodeId from, const LeaseRevoke& m) {
  if (!lease_alive(m.lease)) {
    emit(CoreEventKind::MessageIgnored, from, "revoke of an unknown lease", m.lease);
    return;
  }
  end_lease(m.lease);
}

void StoreNode::end_lease(LeaseId lease) {
  leases_.erase(lease);
  for (const auto& [key, create_revision] : keys_.entries_of(lease)) {
    delete_entry(key, create_revision);
  }
}

void StoreNode::delete_entry(Key key, Revision create_revision) {
  const Revision revision = keys_.erase(key, create_revision);
  // Fire in arming order, then disarm: a watch fires once.
  for (const auto& w : watches_) {
    if (w.key == key && w.create_revision == create_revision) {
      send(w.watcher, WatchEvent{w.request, key, create_revision, revision});
    }
  }
  std::erase_if(watches_, [&](const ArmedWatch& w) {
    return w.key == key && w.create_revision == create_revision;
  });
}

// ---- plain keys ------------------------------------------------------------------------------

void StoreNode::on(NodeId from, const Put& m) {
  PutResult result{m.request, m.key, false, {}, 0};
  const Entry current = keys_.lowest(m.key);
  if (m.key == 0 || m.owner == kNoNode || !lease_alive(m.lease)) {
    // An entry must die with a live lease, or a crashed owner would hold the key forever.
    emit(CoreEventKind::MessageIgnored, from, "put: key 0, owner 0 or lease not alive", m.lease);
  } else if (current.mod_revision != m.expect_mod_revision) {
    // Compare failed: someone else holds (or changed) the key. The answer shows who.
  } else if (current.create_revision == 0 && keys_.size() >= config_.max_entries) {
    emit(CoreEventKind::MessageIgnored, from, "put: entry limit reached");
  } else {
    result.succeeded = true;
    if (current.create_revision == 0) {
      keys_.insert(m.key, m.owner, m.lease);
    } else {
      keys_.overwrite_lowest(m.key, m.owner, m.lease);
    }
  }
  result.entry = keys_.lowest(m.key);
  result.revision = keys_.revision();
  send(from, result);
}

void StoreNode::on(NodeId from, const Get& m) {
  send(from, GetResult{m.request, m.key, keys_.lowest(m.key), keys_.revision()});
}

// ---- prefixes --------------------------------------------------------------------------------

void StoreNode::on(NodeId from, const Create& m) {
  Entry entry;
  if (m.prefix == 0 || m.owner == kNoNode || !lease_alive(m.lease)) {
    emit(CoreEventKind::MessageIgnored, from, "create: prefix 0, owner 0 or lease not alive",
         m.lease);
  } else if (entry = keys_.find_by_lease(m.prefix, m.lease); entry.create_revision != 0) {
    // Idempotent: a retry after a lost answer must not queue the client twice (it would then
    // wait behind its own first entry forever).
  } else if (keys_.size() >= config_.max_entries) {
    emit(CoreEventKind::MessageIgnored, from, "create: entry limit reached");
  } else {
    entry = keys_.insert(m.prefix, m.owner, m.lease);
  }
  const Entry predecessor =
      entry.create_revision == 0 ? Entry{} : keys_.predecessor(m.prefix, entry.create_revision);
  send(from, CreateResult{m.request, m.prefix, entry, predecessor, keys_.lowest(m.prefix),
                          keys_.revision()});
}

void StoreNode::on(NodeId from, const Predecessor& m) {
  PredecessorResult result;
  result.request = m.request;
  result.prefix = m.prefix;
  result.sequence = m.sequence;
  result.exists = m.sequence != 0 && keys_.find(m.prefix, m.sequence).create_revision != 0;
  result.predecessor = keys_.predecessor(m.prefix, m.sequence);
  result.lowest = keys_.lowest(m.prefix);
  result.revision = keys_.revision();
  send(from, result);
}

// ---- watches ---------------------------------------------------------------------------------

void StoreNode::on(NodeId from, const Watch& m) {
  if (keys_.find(m.key, m.create_revision).create_revision == 0) {
    // Already gone (or never existed: create_revision 0 names no entry): fire at once, so a
    // client whose entry vanished before its watch arrived does not wait forever.
    send(from, WatchEvent{m.request, m.key, m.create_revision, keys_.revision()});
    return;
  }
  for (auto& w : watches_) {
    if (w.watcher == from && w.key == m.key && w.create_revision == m.create_revision) {
      // Re-arming is one watch; the newest request id answers, since a client matches answers
      // to what it asked last.
      w.request = m.request;
      return;
    }
  }
  if (watches_.size() >= config_.max_watches) {
    emit(CoreEventKind::MessageIgnored, from, "watch: watch limit reached");
    return;
  }
  watches_.push_back(ArmedWatch{from, m.request, m.key, m.create_revision});
}

// ---- helpers ---------------------------------------------------------------------------------

void StoreNode::send(NodeId to, const Message& message) {
  output_.messages.push_back(Envelope{config_.id, to, message});
}

void StoreNode::emit(CoreEventKind kind, NodeId peer, std::string_view reason,
                     std::uint64_t value) {
  output_.events.push_back(CoreEvent{kind, keys_.revision(), peer, reason, value});
}

}  // namespace baton::store
