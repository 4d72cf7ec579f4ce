// The one interface every election algorithm implements (shared/DESIGN.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/message.hpp"
#include "core/output.hpp"
#include "core/types.hpp"

namespace baton {

/// What a core knows about itself right now.
struct Status {
  NodeId id = kNoNode;
  Role role = Role::Follower;
  Term term = 0;
  NodeId leader = kNoNode;     ///< the leader this node believes in for `term`, or kNoNode
  FenceToken fence_token = 0;  ///< this node's token while it leads; 0 otherwise
  bool lease_valid = false;    ///< leader only: no other leader can exist right now
  std::uint64_t lease_remaining_ticks = 0;  ///< how long the lease still holds, in local ticks
  NodeId voted_for = kNoNode;
};

/// What a follower expects from its leader: a heartbeat every `interval_ticks`
/// (Elector::leader_beat()).
struct LeaderBeat {
  NodeId leader = kNoNode;
  std::uint64_t interval_ticks = 0;
};

/// Typed results for requests a core may refuse (DESIGN habit 7).
enum class RequestResult : std::uint8_t {
  Ok,
  NotLeader,      ///< only the leader can do this
  UnknownPeer,    ///< the target is not a member of the group
  NotEligible,    ///< the target can never lead (priority 0)
  AlreadyLeader,  ///< transfer to self
  NotSupported,   ///< this algorithm has no such operation
};

std::string_view to_string(RequestResult result);

/// For ticks_until_due(): a deadline at `target` on a count that stands at `reached` (a tick
/// number, or ticks elapsed on a timer that acts when the incremented count reaches `target`) is
/// that many ticks away; one already reached or passed acts on the next tick.
constexpr std::uint64_t ticks_until(std::uint64_t target, std::uint64_t reached) {
  return target > reached ? target - reached : 1;
}

/// A pure election state machine for one node. It owns no clock, socket, thread, file or global
/// random source: time arrives as tick(), the network as step(), and everything it wants done
/// leaves through take_output(). Implementations are copyable values; clone() copies through
/// the interface.
class Elector {
 public:
  virtual ~Elector() = default;

  /// One unit of logical time passed on this node's own clock.
  virtual void tick() = 0;
  /// A message arrived from `envelope.from`.
  virtual void step(const Envelope& envelope) = 0;
  /// True when take_output() would return something.
  virtual bool has_output() const = 0;
  /// Moves the pending batch into `out`. `out` must be empty (call out.clear() first); its vector
  /// capacity is recycled by the core so steady-state driving does not allocate.
  virtual void take_output(Output& out) = 0;
  virtual Status status() const = 0;
  /// The state the core wants durable (the last one handed out, or restored at construction).
  virtual HardState hard_state() const = 0;

  /// Hand leadership to `to` (thesis 3.10). Only the leader can.
  virtual RequestResult transfer(NodeId to) = 0;
  /// Step down and do not stand for election for the configured hold time.
  virtual RequestResult resign() = 0;
  /// Health abdication: while `standing` is false the node never starts an election (it still
  /// votes). Algorithms without it answer NotSupported.
  virtual RequestResult set_standing(bool standing) {
    (void)standing;
    return RequestResult::NotSupported;
  }
  /// The driver saw the connection from `peer` reset (a crashed process closes its sockets at
  /// once). If `peer` is this node's leader, the core may start an election now instead of waiting
  /// out its timer. NotSupported where that would be unsafe or the algorithm has no such hook.
  virtual RequestResult leader_connection_lost(NodeId peer) {
    (void)peer;
    return RequestResult::NotSupported;
  }

  /// How many more tick() calls until the first one that may do anything (>= 1). The ticks before
  /// it only advance the core's clock: no output and no change of role, term, leader or vote. A
  /// driver may sleep until that tick and run the skipped ticks when it wakes, but it must run
  /// every tick that is due before it hands the core a message or a request, because the core
  /// stamps those with its tick count (a follower's stickiness window starts there). The default,
  /// 1, means "tick me every tick".
  virtual std::uint64_t ticks_until_due() const { return 1; }

  /// True when a message arriving now may be handed to step() as late as right after the next due
  /// tick (ticks_until_due() from now) has run, at no cost to what the core promises: that tick
  /// would act the same without the message, and nothing the core holds (a lease) lapses before
  /// it. A driver may then leave input unread until that tick, so an idle leader wakes once per
  /// heartbeat instead of once per follower's answer. Safety never rests on this (a late message
  /// is only a slow network); it is about not losing a lease, a hand-over or a step-down to the
  /// wait. The default, false, means "hand me every message as it arrives".
  virtual bool input_can_wait() const { return false; }

  /// For a follower of an established leader: that leader and the heartbeat interval (this
  /// node's own setting) at which its routine messages come. A driver may then read that
  /// leader's heartbeats on the beat, a little after each is expected, instead of waking for
  /// each; whatever else the leader sends must reach step() as it arrives (the runtime's sender
  /// marks it so). A driver that does must still hand a held heartbeat to step() before this
  /// node's next due tick, or the election timer would fire beside an unread heartbeat. Safety
  /// never rests on this (a heartbeat read late is a slow network, and the core stamps it when it
  /// reads it, which only delays the stickiness a leader's lease relies on). nullopt, the
  /// default: read the leader's messages as they arrive.
  virtual std::optional<LeaderBeat> leader_beat() const { return std::nullopt; }

  virtual std::unique_ptr<Elector> clone() const = 0;
  virtual std::string_view algorithm() const = 0;
};

}  // namespace baton
