// The roles of a lease-based elector, each owning the data only it needs.
#pragma once

#include <cstdint>
#include <variant>

#include "core/messages_store.hpp"

namespace baton::lease {

/// No holder known (start-up, or its entry was seen deleted): at `attempt_tick`, with a valid
/// session, Put(key, self, lease, expect absent). During a resign hold it only re-reads instead.
struct Seeking {
  std::uint64_t attempt_tick = 0;
};

/// `holder` holds the key (it may be our own entry after we stepped down, until a re-read shows
/// it is ours with a live session): watch its deletion and re-read every retry interval.
struct Following {
  store::Entry holder;
  std::uint64_t next_read_tick = 0;
};

/// We hold the key (`entry` is ours, bound to our session's lease) and our session is valid.
/// The fence token is entry.create_revision, the revision of the acquiring Put.
struct Leading {
  store::Entry entry;
};

using RoleState = std::variant<Seeking, Following, Leading>;

}  // namespace baton::lease
