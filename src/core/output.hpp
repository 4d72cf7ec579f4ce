// What a core hands its driver after tick()/step(): the output batch.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/message.hpp"
#include "core/types.hpp"

namespace baton {

/// A change of this node's leadership, reported once, in order.
struct LeadershipChange {
  bool gained = false;  ///< true: became leader; false: stopped being leader
  Term term = 0;
  FenceToken fence_token = 0;  ///< the token of the leadership gained or lost
};

/// Things a core did that a person reading a trace wants to see ("2 timed out", "3 voted for 2").
/// Structured and allocation-free so the simulator can keep millions of them cheaply.
enum class CoreEventKind : std::uint8_t {
  ElectionTimeout,   ///< the election timer fired
  PreVoteStarted,    ///< began a pre-vote round for `term`
  CampaignStarted,   ///< became candidate in `term`
  VoteGranted,       ///< granted a (pre-)vote to `peer`
  VoteRejected,      ///< refused a (pre-)vote to `peer`; `reason` says why
  BecameLeader,      ///< won the election of `term`
  SteppedDown,       ///< left leadership or candidacy; `reason` says why
  LeaderDiscovered,  ///< learned that `peer` leads `term`
  TransferStarted,   ///< leader asked `peer` to take over (TimeoutNow sent)
  TransferAborted,   ///< a transfer to `peer` did not complete in time
  Resigned,          ///< stepped down on request and will not stand for a while
  BackoffRaised,     ///< consecutive failed elections widened the timeout range
  BackoffReset,      ///< a leader was seen; the timeout range is back to normal
  MessageIgnored,    ///< a message was dropped; `reason` says why
};

std::string_view to_string(CoreEventKind kind);

struct CoreEvent {
  CoreEventKind kind{};
  Term term = 0;
  NodeId peer = kNoNode;
  /// A static string literal (never owned) explaining the event, or empty.
  std::string_view reason;
  /// Extra number for some events (e.g. the new timeout in ticks for BackoffRaised).
  std::uint64_t value = 0;
};

/// The output batch. Persistence rule (etcd's Ready, ScyllaDB's fsm_output): the driver writes
/// `hard_state` durably BEFORE it sends any of `messages`, because a vote or term in a message must
/// never be forgotten by a crash after the message left.
///
/// `early_messages` carry no promise that depends on `hard_state` and may leave at once, in
/// parallel with the write (etcd sends MsgVote this way and holds back only what it keeps in
/// msgsAfterAppend). A candidate's VoteRequests are early; its own vote for itself is a
/// VoteResponse addressed to itself in `messages`, so it counts only once it is durable.
///
/// Messages addressed to the node itself are handed back to it by the driver (step()), without
/// the network, after the write like every other entry of `messages`.
struct Output {
  std::optional<HardState> hard_state;
  std::vector<Envelope> early_messages;
  std::vector<Envelope> messages;
  std::vector<LeadershipChange> leadership;
  std::vector<CoreEvent> events;

  bool empty() const {
    return !hard_state && early_messages.empty() && messages.empty() && leadership.empty() &&
           events.empty();
  }
  /// Empties the batch but keeps the vectors' capacity, so a driver can reuse one Output.
  void clear() {
    hard_state.reset();
    early_messages.clear();
    messages.clear();
    leadership.clear();
    events.clear();
  }
};

}  // namespace baton
