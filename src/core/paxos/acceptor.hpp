// The acceptor half of a Paxos leader elector: promises, accepts, and the lease refusal window.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/messages_paxos.hpp"
#include "core/paxos/ballot_codec.hpp"
#include "core/types.hpp"

namespace baton::paxos {

/// Why an acceptor refused a ballot (Refusal::None: it granted).
enum class Refusal : std::uint8_t {
  None,
  /// Paxos' own rule: the ballot is below one already promised ("Paxos Made Simple", 2.2, P1a).
  PromisedHigher,
  /// The lease window: this acceptor acknowledged another node's ballot less than lease_ticks ago
  /// and may be part of the majority behind that leader's lease (PaxosLease, Trencseni et al.
  /// 2008, 3).
  LeaseHeld,
};

std::string_view to_string(Refusal refusal);

/// One node's acceptor. Pure: the caller passes its tick count; the durable part is state() and
/// the caller persists it whenever it changes, before sending any reply it caused.
///
/// Lease window rule: after acknowledging ballot b (phase 2 Accept or a LeaseRenew), refuse every
/// Prepare, Accept and LeaseRenew of a ballot of any node other than b.node while
/// now < acked_tick + lease_ticks. The ack happened somewhere inside tick acked_tick, so the
/// refusal lasts at least lease_ticks - 1 full ticks of this node's clock after the ack: the bound
/// lease.hpp turns into the leader's lease. Lease safety is about two NODES holding leases, so the
/// window lets b.node's own higher ballots through: a leader can re-ballot (PaxosElector) without
/// waiting out its own leases.
///
/// A restart loses acked_tick. The acceptor may have acknowledged its accepted ballot just before
/// the crash, so a restarted acceptor with an accepted ballot refuses other nodes for lease_ticks
/// from its start. One with no accepted ballot never acknowledged anything (acks leave only after
/// the accepted ballot is durable), so it needs no window.
class Acceptor {
 public:
  Acceptor(HardState restored, std::uint32_t lease_ticks);

  /// Phase 1b: grants if `ballot` >= promised (equal: a duplicate, granted again) and no lease
  /// window holds for another node. A grant raises promised.
  Refusal prepare(Ballot ballot, std::uint64_t now_ticks);
  /// Phase 2b and lease renewal: grants under the same conditions; a grant sets promised and
  /// accepted to `ballot` and (re)starts the lease window for it.
  Refusal accept(Ballot ballot, std::uint64_t now_ticks);
  /// Ends the lease window if it is for `ballot`. Only for the node's own ballot when it stops
  /// leading or abandons phase 2: its self-ack backed no lease but its own, and that is gone.
  void release_window(Ballot ballot) {
    if (ballot == state_.accepted) window_end_tick_ = 0;
  }
  /// What prepare() would answer, without changing anything.
  Refusal check(Ballot ballot, std::uint64_t now_ticks) const;

  const AcceptorState& state() const { return state_; }
  Ballot promised() const { return state_.promised; }
  Ballot accepted() const { return state_.accepted; }
  /// The first tick at which the lease window no longer refuses other nodes' ballots.
  std::uint64_t window_end_tick() const { return window_end_tick_; }

 private:
  AcceptorState state_;
  std::uint32_t lease_ticks_;
  std::uint64_t window_end_tick_ = 0;  ///< the window is for state_.accepted.node
};

}  // namespace baton::paxos
