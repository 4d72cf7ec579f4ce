// The roles of an ephemeral-sequential elector, each owning the data only it needs (the style of
// the Raft and Bully cores): leaving a role drops its pending request and timers, so an answer to
// a request of an earlier role can never be taken for a current one.
#pragma once

#include <cstdint>
#include <variant>

#include "core/messages_store.hpp"

namespace baton::sequential {

/// No entry yet. Waiting for the session to be granted (`create_request` 0), then for the answer
/// to Create(prefix, self, lease) sent at `create_sent_tick`.
struct Joining {
  std::uint64_t create_request = 0;
  std::uint64_t create_sent_tick = 0;
};

/// In the queue: `own` is this node's entry, `predecessor` the one just below, watched (and only
/// it: a deletion wakes exactly one waiter, ZooKeeper recipes "avoid the herd effect").
/// `lowest` is the leader as of the last answer (best effort: nobody tells us when it changes).
struct Waiting {
  store::Entry own;
  store::Entry predecessor;
  store::Entry lowest;
  /// When the watch is re-armed if nothing arrives (a lost Watch or WatchEvent).
  std::uint64_t rearm_tick = 0;
  /// A Predecessor re-check in flight (after a WatchEvent); 0 = none.
  std::uint64_t check_request = 0;
  std::uint64_t check_sent_tick = 0;
};

/// The lowest entry: leads while the session is locally valid. The fence token is own's
/// create_revision.
struct Leader {
  store::Entry own;
};

/// Resigned: no session, no entry, until `until_tick`; then joins again at the back of the queue.
struct Held {
  std::uint64_t until_tick = 0;
};

using RoleState = std::variant<Joining, Waiting, Leader, Held>;

}  // namespace baton::sequential
