#include "core/paxos/acceptor.hpp"

namespace baton::paxos {

std::string_view to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::None:
      return "granted";
    case Refusal::PromisedHigher:
      return "promised a higher ballot";
    case Refusal::LeaseHeld:
      return "lease window of another node";
  }
  return "unknown";
}

Acceptor::Acceptor(HardState restored, std::uint32_t lease_ticks)
    : state_(decode(restored)), lease_ticks_(lease_ticks) {
  // See the class comment: a restarted acceptor cannot know when it last acked, so it assumes
  // "just before the crash" and holds the window from its start (tick 0).
  if (state_.accepted != Ballot{}) window_end_tick_ = lease_ticks_;
}

Refusal Acceptor::check(Ballot ballot, std::uint64_t now_ticks) const {
  if (ballot < state_.promised) return Refusal::PromisedHigher;
  if (now_ticks < window_end_tick_ && ballot.node != state_.accepted.node)
    return Refusal::LeaseHeld;
  return Refusal::None;
}

Refusal Acceptor::prepare(Ballot ballot, std::uint64_t now_ticks) {
  const Refusal refusal = check(ballot, now_ticks);
  if (refusal == Refusal::None) state_.promised = ballot;
  return refusal;
}

Refusal Acceptor::accept(Ballot ballot, std::uint64_t now_ticks) {
  const Refusal refusal = check(ballot, now_ticks);
  if (refusal != Refusal::None) return refusal;
  // Accepting implies promising: no lower ballot may be accepted after this one (P1a).
  state_.promised = ballot;
  state_.accepted = ballot;
  window_end_tick_ = now_ticks + lease_ticks_;
  return Refusal::None;
}

}  // namespace baton::paxos
