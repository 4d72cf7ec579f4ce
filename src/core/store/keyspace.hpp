// The store's data: entries by key, ordered by create_revision, and the global revision.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "core/messages_store.hpp"

namespace baton::store {

/// Every entry of the store and the revision counter, with no protocol, leases or watches.
///
/// A Key is used either as a plain key (at most one entry) or as a prefix (one entry per lease,
/// etcd's election keys prefix/<lease>); both live in one structure, a key mapping to its entries
/// ordered by create_revision. A plain key's entry is then simply the key's lowest entry, so a Get
/// on a prefix answers its lowest entry (the leader of the sequential recipe) for free.
///
/// Revisions follow etcd: one global counter, bumped by every write; a new entry's create_revision
/// is the revision of the write that made it, so it doubles as the prefix's sequence number and as
/// a fence token (it only grows).
class Keyspace {
 public:
  Revision revision() const { return revision_; }
  std::size_t size() const { return size_; }

  /// The lowest entry at `key` (create_revision 0: none).
  Entry lowest(Key key) const;
  /// The entry at `key` created at `create_revision`, or none.
  Entry find(Key key, Revision create_revision) const;
  /// The entry at `key` bound to `lease`, or none (a lease has at most one entry per prefix).
  Entry find_by_lease(Key key, LeaseId lease) const;
  /// The entry just below `sequence` at `key` (largest create_revision < sequence), or none.
  Entry predecessor(Key key, Revision sequence) const;

  /// Adds a new entry (a write: bumps the revision); returns it.
  Entry insert(Key key, NodeId owner, LeaseId lease);
  /// Rewrites the lowest entry at `key` (a write): keeps its create_revision (etcd keeps
  /// create_revision on overwrite), takes the new owner and lease. Requires an entry.
  Entry overwrite_lowest(Key key, NodeId owner, LeaseId lease);
  /// Deletes one entry (a write); returns the revision of the deletion. Requires it to exist.
  Revision erase(Key key, Revision create_revision);
  /// The (key, create_revision) of every entry bound to `lease`, in key then revision order, so
  /// that deleting them in this order is deterministic.
  std::vector<std::pair<Key, Revision>> entries_of(LeaseId lease) const;

 private:
  std::map<Key, std::map<Revision, Entry>> keys_;
  std::size_t size_ = 0;
  Revision revision_ = 0;
};

}  // namespace baton::store
