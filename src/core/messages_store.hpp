// The store protocol: what the two store-based recipes (lease-based and ephemeral-sequential
// election) say to a linearizable coordination store, and what it answers. It is modelled on
// etcd's lease + KV + watch API (and maps onto ZooKeeper's sessions, ephemeral sequential znodes
// and exists-watches), so a real backend can implement it by translating each request into one
// call. The simulator's store node (core/store/) is the reference implementation.
//
// Every request carries a `request` id chosen by the client and echoed in the answer, because the
// network may lose, duplicate and reorder messages: a client matches answers to what it asked and
// ignores the rest. Every request is idempotent or reports the current state, so a retry after a
// lost answer is always safe.
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace baton::store {

/// A session/lease granted by the store (etcd lease, ZooKeeper session). 0 = none.
using LeaseId = std::uint64_t;
/// The store's global revision: it grows by one with every write (put, create, delete).
using Revision = std::uint64_t;
/// A key or prefix. Numeric so that messages stay fixed-size; a real backend maps it to a path
/// (e.g. 1 -> "/baton/<group>/lock", 2 -> "/baton/<group>/election/").
using Key = std::uint32_t;

/// One entry of the store. For a plain key there is at most one; under a prefix there is one per
/// lease (etcd's election keys are prefix/<lease id>), ordered by `create_revision`, which is the
/// entry's sequence number. `create_revision` 0 means "no entry".
struct Entry {
  NodeId owner = kNoNode;
  LeaseId lease = 0;
  Revision create_revision = 0;
  Revision mod_revision = 0;
  friend bool operator==(const Entry&, const Entry&) = default;
};

// --- sessions / leases ------------------------------------------------------------------------

/// Grant a lease that lives `ttl_ms` on the store's clock unless kept alive.
struct LeaseGrant {
  std::uint64_t request = 0;
  std::uint64_t ttl_ms = 0;
};
struct LeaseGrantResult {
  std::uint64_t request = 0;
  LeaseId lease = 0;
  std::uint64_t ttl_ms = 0;
};

/// Restart the lease's TTL. The answer's `ttl_ms` is 0 when the lease no longer exists (it expired
/// or was revoked): every entry bound to it is gone.
struct LeaseKeepAlive {
  std::uint64_t request = 0;
  LeaseId lease = 0;
};
struct LeaseKeepAliveResult {
  std::uint64_t request = 0;
  LeaseId lease = 0;
  std::uint64_t ttl_ms = 0;
};

/// End the lease now and delete its entries (resign). No answer: a lost revoke only means the
/// lease expires on its own.
struct LeaseRevoke {
  std::uint64_t request = 0;
  LeaseId lease = 0;
};

// --- plain keys ---------------------------------------------------------------------------------

/// Compare-and-set: write `owner` bound to `lease` at `key` if the key's current mod_revision is
/// `expect_mod_revision` (0: the key must be absent). The answer reports the entry as it is after
/// the request, whether or not it succeeded.
struct Put {
  std::uint64_t request = 0;
  Key key = 0;
  NodeId owner = kNoNode;
  LeaseId lease = 0;
  Revision expect_mod_revision = 0;
};
struct PutResult {
  std::uint64_t request = 0;
  Key key = 0;
  bool succeeded = false;
  Entry entry;
  Revision revision = 0;  ///< the store's revision after the request
};

/// Read a plain key (or, for a prefix, its lowest entry).
struct Get {
  std::uint64_t request = 0;
  Key key = 0;
};
struct GetResult {
  std::uint64_t request = 0;
  Key key = 0;
  Entry entry;  ///< create_revision 0: absent
  Revision revision = 0;
};

// --- prefixes: ephemeral sequential entries -----------------------------------------------------

/// Create this lease's entry under `prefix` if it has none (idempotent: a retry returns the same
/// entry). The entry dies with the lease, like an ephemeral sequential znode.
struct Create {
  std::uint64_t request = 0;
  Key prefix = 0;
  NodeId owner = kNoNode;
  LeaseId lease = 0;
};
/// `entry` is the lease's entry; `predecessor` the entry just below it (none: it is the lowest, so
/// its owner leads); `lowest` the lowest entry under the prefix (the leader).
struct CreateResult {
  std::uint64_t request = 0;
  Key prefix = 0;
  Entry entry;
  Entry predecessor;
  Entry lowest;
  Revision revision = 0;
};

/// Look up the entry just below `sequence` under `prefix` and the lowest one (etcd: Get with
/// WithLastCreate + WithMaxCreateRev(sequence - 1)).
struct Predecessor {
  std::uint64_t request = 0;
  Key prefix = 0;
  Revision sequence = 0;
};
struct PredecessorResult {
  std::uint64_t request = 0;
  Key prefix = 0;
  Revision sequence = 0;
  bool exists = false;  ///< the entry `sequence` itself is still there
  Entry predecessor;
  Entry lowest;
  Revision revision = 0;
};

// --- watches
// --------------------------------------------------------------------------------------

/// Tell me once when the entry of `key` created at `create_revision` is deleted. Fires at once if
/// it is already gone. Watches live in the store's memory: a client that hears nothing re-arms its
/// watch now and then (cheap: arming twice is one watch).
struct Watch {
  std::uint64_t request = 0;
  Key key = 0;
  Revision create_revision = 0;
};
struct WatchEvent {
  std::uint64_t request = 0;
  Key key = 0;
  Revision create_revision = 0;  ///< the entry that was deleted
  Revision revision = 0;         ///< the store's revision at the deletion
};

}  // namespace baton::store
