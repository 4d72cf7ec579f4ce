// RaftElector: step() and the election messages (VoteRequest, VoteResponse, TimeoutNow).
#include <type_traits>

#include "core/raft/raft_elector.hpp"

namespace baton::raft {

void RaftElector::step(const Envelope& envelope) {
  const std::size_t from_index = index_of(envelope.from);
  if (envelope.from == config_.id) {
    // The only message we send ourselves: our own vote, handed back once it is durable.
    const auto* vote = std::get_if<VoteResponse>(&envelope.message);
    if (vote != nullptr && !vote->pre_vote && envelope.to == config_.id) {
      on_own_vote(*vote);
    } else {
      emit(CoreEventKind::MessageIgnored, envelope.from, "unexpected message from ourselves");
    }
    return;
  }
  if (from_index == kNotMember) {
    emit(CoreEventKind::MessageIgnored, envelope.from, "sender is not a peer");
    return;
  }
  // Exhaustive: every alternative of Message needs an on(...) overload or this does not compile.
  std::visit([&](const auto& message) { on(envelope.from, from_index, message); },
             envelope.message);
}

void RaftElector::on(NodeId from, std::size_t from_index, const VoteRequest& m) {
  if (m.term < hard_state_.term) {
    // Answer with our term so the stale candidate adopts it and stops campaigning.
    emit(CoreEventKind::VoteRejected, from, "stale term");
    send(from, VoteResponse{hard_state_.term, m.pre_vote, false});
    return;
  }
  // Thesis 4.2.3 (leader stickiness): while we believe a leader is alive, a (pre-)vote for a newer
  // term is most likely from a node that was cut off; ignoring it, without adopting its term,
  // keeps it from deposing a healthy leader. It is also what makes the leader lease safe (6.4.1).
  // A campaign the leader itself asked for (TimeoutNow) is exempt.
  // The same holds for a request in our own term: we may have adopted that term from a response
  // (say, a late rejection of our old pre-vote) without hearing any leader of it, and granting then
  // would break the promise a leader's lease was built on. Only a repeat of the vote we already
  // cast in this term is answered.
  const bool repeat_of_our_vote = m.term == hard_state_.term && hard_state_.voted_for == from;
  if (m.term >= hard_state_.term && in_leader_contact() && !m.leadership_transfer &&
      !repeat_of_our_vote) {
    emit(CoreEventKind::MessageIgnored, from, "leader stickiness: current leader is alive");
    if (m.pre_vote && reset_campaign_allowed()) ignored_pre_votes_[from_index] = {m, now_ticks_};
    return;
  }
  if (m.pre_vote) {
    answer_pre_vote(from, m);
  } else {
    answer_vote(from, m);
  }
}

void RaftElector::answer_pre_vote(NodeId from, const VoteRequest& m) {
  // Thesis 9.6: grant if the candidate could win term m.term; never touch our own term or vote.
  const char* reason = nullptr;
  if (m.term <= hard_state_.term) {
    reason = "pre-vote term not ahead of ours";
  } else if (!log_up_to_date(m)) {
    reason = "candidate log not up to date";
  }
  if (reason != nullptr) {
    emit(CoreEventKind::VoteRejected, from, reason, m.term);
    send(from, VoteResponse{hard_state_.term, true, false});
    return;
  }
  emit(CoreEventKind::VoteGranted, from, "pre-vote", m.term);
  // A granted pre-vote echoes the probed term so the pre-candidate can match it to its round.
  send(from, VoteResponse{m.term, true, true});
}

void RaftElector::answer_vote(NodeId from, const VoteRequest& m) {
  if (m.term > hard_state_.term) become_follower(m.term, kNoNode, "higher term in vote request");
  const char* reason = nullptr;
  // Paper 5.2: at most one vote per term, first come first served. The unsafe switch exists so the
  // election-safety checker can be shown to catch a violation.
  const bool may_vote = config_.unsafe.grant_multiple_votes_per_term ||
                        hard_state_.voted_for == kNoNode || hard_state_.voted_for == from;
  if (!may_vote) {
    reason = "already voted in this term";
  } else if (!log_up_to_date(m)) {
    reason = "candidate log not up to date";  // paper 5.4.1
  }
  if (reason != nullptr) {
    emit(CoreEventKind::VoteRejected, from, reason, m.term);
    send(from, VoteResponse{hard_state_.term, false, false});
    return;
  }
  if (hard_state_.voted_for != from) {
    hard_state_.voted_for = from;
    persist();  // the vote reaches the batch before the response that reveals it
  }
  // Paper 5.2: granting a vote restarts the election timer, so we do not compete with the node we
  // just helped.
  timer_.reset(rng_, false);
  emit(CoreEventKind::VoteGranted, from, {}, m.term);
  send(from, VoteResponse{hard_state_.term, false, true});
}

void RaftElector::on_own_vote(const VoteResponse& m) {
  auto* candidate = std::get_if<Candidate>(&role_);
  if (candidate == nullptr || m.term != hard_state_.term) return;  // that campaign is over
  candidate->tally.record(self_index_, true);
  if (candidate->tally.result() == TallyResult::Won) become_leader();
}

void RaftElector::on(NodeId from, std::size_t from_index, const VoteResponse& m) {
  // A granted pre-vote carries the term we probed (ours + 1): not a reason to step down.
  const bool granted_pre_vote = m.pre_vote && m.granted;
  if (m.term > hard_state_.term && !granted_pre_vote) {
    become_follower(m.term, kNoNode, "higher term in vote response");
    return;
  }
  if (auto* pre = std::get_if<PreCandidate>(&role_)) {
    const Term expected = m.granted ? hard_state_.term + 1 : hard_state_.term;
    if (!m.pre_vote || m.term != expected) {
      emit(CoreEventKind::MessageIgnored, from, "vote response from another round");
      return;
    }
    pre->tally.record(from_index, m.granted);
    const TallyResult result = pre->tally.result();
    if (result == TallyResult::Won) {
      become_candidate(false);
    } else if (result == TallyResult::Lost) {
      become_follower(hard_state_.term, kNoNode, "pre-vote lost");
    }
    return;
  }
  if (auto* candidate = std::get_if<Candidate>(&role_)) {
    if (m.pre_vote || m.term != hard_state_.term) {
      emit(CoreEventKind::MessageIgnored, from, "vote response from another round");
      return;
    }
    candidate->tally.record(from_index, m.granted);
    const TallyResult result = candidate->tally.result();
    if (result == TallyResult::Won) {
      become_leader();
    } else if (result == TallyResult::Lost) {
      become_follower(hard_state_.term, kNoNode, "election lost");
    }
    return;
  }
  emit(CoreEventKind::MessageIgnored, from, "vote response while not campaigning");
}

void RaftElector::on(NodeId from, std::size_t /*from_index*/, const TimeoutNow& m) {
  if (m.term < hard_state_.term) {
    emit(CoreEventKind::MessageIgnored, from, "stale TimeoutNow");
    return;
  }
  if (m.term > hard_state_.term) become_follower(m.term, from, "higher term in TimeoutNow");
  const auto* follower = std::get_if<Follower>(&role_);
  if (follower == nullptr || follower->leader != from) {
    emit(CoreEventKind::MessageIgnored, from, "TimeoutNow not from our leader");
    return;
  }
  if (priority_of(config_, self_index_) == 0) {
    emit(CoreEventKind::MessageIgnored, from, "TimeoutNow to a priority-0 member");
    return;
  }
  // A member that stepped out of elections (health abdication) must not be handed leadership
  // either: the leader cannot know, and a hand-over on SIGTERM picks the peer heard from last. The
  // leader's transfer then times out and it leads on. (A resign hold is not checked: a transfer
  // aimed at a node that just resigned is a deliberate choice.)
  if (!standing_) {
    emit(CoreEventKind::MessageIgnored, from, "TimeoutNow to a member not standing");
    return;
  }
  // Thesis 3.10: campaign at once, skipping pre-vote (the leader agreed, and our peers would
  // refuse a pre-vote out of stickiness), marking the requests so stickiness lets them through.
  election_in_progress_ = true;
  become_candidate(true);
}

}  // namespace baton::raft
