// Basic vocabulary shared by every election core: node ids, terms, fence tokens, roles.
#pragma once

#include <cstdint>
#include <string_view>

namespace baton {

/// A node's identity inside one election group. Ids start at 1; 0 means "nobody".
using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = 0;

/// A logical election period: Raft's term, Paxos' ballot round, ZAB's epoch.
using Term = std::uint64_t;

/// A number that only grows with each new leadership; resources reject writes carrying a smaller
/// one.
using FenceToken = std::uint64_t;

/// The role a node plays right now. PreCandidate is Raft's pre-vote phase (thesis 9.6); other
/// algorithms map their own states onto these four.
enum class Role : std::uint8_t { Follower, PreCandidate, Candidate, Leader };

std::string_view to_string(Role role);

/// State that must survive a crash, written durably before any message that depends on it leaves.
/// `voted_for` is the vote cast in `term` (kNoNode if none). Algorithms that need more keep it in
/// `epoch` (e.g. ZAB's accepted epoch) so one storage format serves all.
struct HardState {
  Term term = 0;
  NodeId voted_for = kNoNode;
  std::uint64_t epoch = 0;

  friend bool operator==(const HardState&, const HardState&) = default;
};

}  // namespace baton
