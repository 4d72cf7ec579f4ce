#include "core/store/keyspace.hpp"

#include <cassert>

namespace baton::store {

Entry Keyspace::lowest(Key key) const {
  const auto it = keys_.find(key);
  if (it == keys_.end() || it->second.empty()) return {};
  return it->second.begin()->second;
}

Entry Keyspace::find(Key key, Revision create_revision) const {
  const auto it = keys_.find(key);
  if (it == keys_.end()) return {};
  const auto e = it->second.find(create_revision);
  return e == it->second.end() ? Entry{} : e->second;
}

Entry Keyspace::find_by_lease(Key key, LeaseId lease) const {
  const auto it = keys_.find(key);
  if (it == keys_.end()) return {};
  for (const auto& [rev, entry] : it->second) {
    if (entry.lease == lease) return entry;
  }
  return {};
}

Entry Keyspace::predecessor(Key key, Revision sequence) const {
  const auto it = keys_.find(key);
  if (it == keys_.end()) return {};
  auto below = it->second.lower_bound(sequence);  // first >= sequence
  if (below == it->second.begin()) return {};
  return std::prev(below)->second;
}

Entry Keyspace::insert(Key key, NodeId owner, LeaseId lease) {
  ++revision_;
  const Entry entry{owner, lease, revision_, revision_};
  keys_[key].emplace(revision_, entry);
  ++size_;
  return entry;
}

Entry Keyspace::overwrite_lowest(Key key, NodeId owner, LeaseId lease) {
  auto& entries = keys_.at(key);
  assert(!entries.empty());
  Entry& entry = entries.begin()->second;
  ++revision_;
  entry.owner = owner;
  entry.lease = lease;
  entry.mod_revision = revision_;
  return entry;
}

Revision Keyspace::erase(Key key, Revision create_revision) {
  const auto it = keys_.find(key);
  assert(it != keys_.end() && it->second.count(create_revision) == 1);
  it->second.erase(create_revision);
  if (it->second.empty()) keys_.erase(it);
  --size_;
  return ++revision_;
}

std::vector<std::pair<Key, Revision>> Keyspace::entries_of(LeaseId lease) const {
  std::vector<std::pair<Key, Revision>> found;
  for (const auto& [key, entries] : keys_) {
    for (const auto& [rev, entry] : entries) {
      if (entry.lease == lease) found.emplace_back(key, rev);
    }
  }
  return found;
}

}  // namespace baton::store
