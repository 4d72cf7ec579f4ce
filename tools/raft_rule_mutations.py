#!/usr/bin/env python3
"""Proves each Raft rule test has teeth: breaks one rule at a time in src/core/raft/ (and a few
shared rules in the other cores), rebuilds
core_tests in ./build, and checks that the rule's tests FAIL. Restores every file afterwards.
Usage: tools/raft_rule_mutations.py [MUTATION_NAME ...]   (run from anywhere; needs ./build)."""
import subprocess, sys, os
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
R='src/core/raft/'
M=[
 ("OneVotePerTerm", R+'raft_elector_votes.cpp', 'hard_state_.voted_for == kNoNode || hard_state_.voted_for == from', 'true', 'RaftRules.OneVotePerTerm:RaftCluster.AtMostOneLeaderPerTermUnderRandomFaults'),
 ("UnsafeSwitch", R+'raft_elector_votes.cpp', 'config_.unsafe.grant_multiple_votes_per_term ||', '', 'RaftRules.UnsafeSwitchGrantsMultipleVotesPerTerm:RaftCluster.UnsafeMultipleVotesCanElectTwoLeaders'),
 ("StepDownHigherTerm", R+'raft_elector_leader.cpp', 'if (m.term > hard_state_.term) {\n    become_follower(m.term, kNoNode, "higher term in heartbeat response");', 'if (false) {\n    become_follower(m.term, kNoNode, "higher term in heartbeat response");', 'RaftRules.StepsDownOnHigherTerm'),
 ("ClearVote", R+'raft_elector.cpp', '    hard_state_.voted_for = kNoNode;\n', '', 'RaftRules.VoterAdoptsHigherTermAndClearsOldVote'),
 ("StaleReject", R+'raft_elector_votes.cpp', 'if (m.term < hard_state_.term) {\n    // Answer', 'if (false) {\n    // Answer', 'RaftRules.RejectsStaleTerms'),
 ("StaleHeartbeat", R+'raft_elector_leader.cpp', '    send(from, HeartbeatResponse{hard_state_.term, m.round});\n    return;', '    return;', 'RaftRules.StaleHeartbeatIsAnsweredWithNewerTerm'),
 ("UpToDate", R+'raft_elector.cpp', '  if (m.last_log_term != config_.last_log_term)', '  return true;\n  if (m.last_log_term != config_.last_log_term)', 'RaftRules.UpToDateCheck'),
 ("PreVoteAsVote", R+'raft_elector_votes.cpp', '  if (m.pre_vote) {\n    answer_pre_vote', '  if (false) {\n    answer_pre_vote', 'RaftRules.PreVoteDoesNotChangeVotersTermOrVote'),
 ("NoPreVote", R+'raft_elector.cpp', '  if (config_.pre_vote) {', '  if (false) {', 'RaftRules.PreCandidateKeepsTermUntilPreVoteQuorum:RaftRules.PreVoteDoesNotDisruptHealthyLeader'),
 ("PersistCandidate", R+'raft_elector.cpp', '  hard_state_.voted_for = config_.id;\n  persist();', '  hard_state_.voted_for = config_.id;', 'RaftRules.HardStateTravelsWithTheMessagesThatDependOnIt'),
 ("Quorum", R+'quorum.hpp', 'members / 2 + 1', 'members / 2', 'RaftRules.QuorumIsMajority'),
 ("NotRandom", R+'election_timer.cpp', 'rng.uniform(lo, hi) + priority', '(rng.uniform(lo, hi), lo) + priority', 'RaftRules.ElectionTimeoutIsRandomizedWithinRange'),
 ("ContactRestart", R+'raft_elector.cpp', '  timer_.restart();\n', '', 'RaftRules.LeaderContactResetsElectionTimer'),
 ("GrantReset", R+'raft_elector_votes.cpp', '  timer_.reset(rng_, false);\n  emit(CoreEventKind::VoteGranted', '  emit(CoreEventKind::VoteGranted', 'RaftRules.GrantingVoteResetsElectionTimer'),
 ("CandidateRange", R+'election_timer.cpp', 'campaigning ? candidate_m', 'false ? candidate_m', 'RaftRules.CandidateRetryUsesCandidateTimeoutRange'),
 ("LostRound", R+'raft_elector_votes.cpp', '      become_follower(hard_state_.term, kNoNode, "election lost");', '', 'RaftRules.SplitVoteStartsNewRound:RaftRules.CandidateStepsDownWhenQuorumRejects'),
 ("Priority0", R+'raft_elector.cpp', 'return priority_of(config_, self_index_) > 0 &&', 'return', 'RaftRules.PriorityZeroNeverCampaigns'),
 ("PriorityOffset", R+'election_timer.cpp', '(max_priority - mine) * step : 0;', '0 * step : 0;', 'RaftRules.LowerPriorityTimesOutLater'),
 ("Backoff", R+'raft_elector.cpp', 'if (election_in_progress_ && timer_.note_failed_election())', 'if (false && timer_.note_failed_election())', 'RaftRules.BackoffAfterFailedElections'),
 ("HbInterval", R+'raft_elector_leader.cpp', '>= config_.heartbeat_interval_ticks)', '>= config_.heartbeat_interval_ticks + 1)', 'RaftRules.LeaderHeartbeatsEveryInterval'),
 ("Sticky", R+'raft_elector_votes.cpp', 'in_leader_contact() && !m.leadership_transfer', 'false && !m.leadership_transfer', 'RaftRules.LeaderStickinessIgnoresVoteRequests:RaftRules.StickinessEndsAfterElectionTimeoutMin'),
 ("StickyBypass", R+'raft_elector_votes.cpp', 'in_leader_contact() && !m.leadership_transfer', 'in_leader_contact()', 'RaftRules.LeaderStickinessIgnoresVoteRequests:RaftRules.TransferHandsLeadershipOver'),
 ("StickyLen", R+'raft_elector.cpp', 'return now_ticks_ - leader_contact_tick_ < config_', 'return now_ticks_ - leader_contact_tick_ <= config_', 'RaftRules.StickinessEndsAfterElectionTimeoutMin:RaftRules.RefusesVotesRightAfterStart'),
 ("StartRule", R+'raft_elector.cpp', 'return now_ticks_ - leader_contact_tick_ <', 'return leader_contact_tick_ != 0 && now_ticks_ - leader_contact_tick_ <', 'RaftRules.RefusesVotesRightAfterStart'),
 ("CheckQuorum", R+'raft_elector_leader.cpp', 'if (config_.check_quorum && now_ticks_', 'if (false && now_ticks_', 'RaftRules.CheckQuorumStepsDownIsolatedLeader:RaftCluster.PartitionedLeaderIsReplaced'),
 ("CheckQuorumHeard", R+'raft_elector_leader.cpp', '  leader->last_heard_ticks[from_index] = now_ticks_;\n', '', 'RaftRules.CheckQuorumKeepsLeaderWithQuorumContact'),
 ("LeaseTickMargin", R+'lease_tracker.hpp', 'return now_ticks + 1 <= until_ticks_;', 'return now_ticks <= until_ticks_;', 'RaftRules.LeaseBoundaryIsExactAndConservative'),
 ("LeaseMinMinus1", R+'lease_tracker.cpp', 'static_cast<double>(min_ticks - 1)', 'static_cast<double>(min_ticks)', 'RaftRules.LeaseBoundaryIsExactAndConservative:RaftRules.LeaseDurationShrinksWithDrift'),
 ("LeaseDrift", R+'lease_tracker.cpp', '(1.0 - drift) / (1.0 + drift)', '(1.0 + 0 * drift)', 'RaftRules.LeaseDurationShrinksWithDrift:RaftRules.LeaseBoundaryIsExactAndConservative'),
 ("LeaseSentTick", R+'lease_tracker.cpp', 'sent_ticks_[round_ % kRoundHistory] = now_ticks;', 'sent_ticks_[round_ % kRoundHistory] = now_ticks + 3;', 'RaftRules.LeaseBoundaryIsExactAndConservative'),
 ("LeaseConfig", R+'raft_elector.cpp', 'config_.leader_lease && !l', 'true && !l', 'RaftRules.LeaseOffWhenDisabled'),
 ("LeaseTransfer", R+'raft_elector.cpp', '!l->transferred_this_term &&', '', 'RaftRules.LeaseInvalidFromTransferStart'),
 ("Fence", R+'raft_elector.cpp', 'LeadershipChange{true, hard_state_.term, hard_state_.term}', 'LeadershipChange{true, hard_state_.term, 0}', 'RaftRules.FenceTokenIsTerm'),
 ("TransferEligible", R+'raft_elector_leader.cpp', '  if (priority_of(config_, index) == 0) return RequestResult::NotEligible;\n', '', 'RaftRules.TransferValidatesRequest'),
 ("TransferAck", R+'raft_elector_leader.cpp', 'if (leader.lease.acked_round(to_index) > 0)', 'if (true || leader.lease.acked_round(to_index) > 0)', 'RaftRules.TransferWaitsForTargetHeartbeatAck'),
 ("TransferFlag", R+'raft_elector_votes.cpp', '  become_candidate(true);', '  become_candidate(false);', 'RaftRules.TimeoutNowStartsImmediateTransferCampaign:RaftRules.TransferHandsLeadershipOver'),
 ("TimeoutNowPrio", R+'raft_elector_votes.cpp', 'if (priority_of(config_, self_index_) == 0) {', 'if (false) {', 'RaftRules.TimeoutNowIgnoredUnlessFromOurLeaderAndEligible'),
 ("TransferAbort", R+'raft_elector_leader.cpp', '>= transfer_timeout_ticks())', '>= transfer_timeout_ticks() + 1000)', 'RaftRules.TransferAbortsAfterTimeout'),
 ("ResignHold", R+'raft_elector_leader.cpp', 'resign_hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;', 'resign_hold_until_tick_ = now_ticks_;', 'RaftRules.ResignStepsDownAndHolds'),
 ("Preferred", R+'raft_elector_leader.cpp', '  maybe_transfer_to_preferred(leader);\n}', '}', 'RaftRules.PreferredLeaderGetsLeadership'),
 ("Restore", R+'raft_elector.cpp', 'hard_state_(restored),', 'hard_state_(HardState{restored.term, kNoNode, 0}),', 'RaftRules.VoteSurvivesRestart'),
 ("SingleMember", R+'raft_elector.cpp', '  if (pre.tally.result() == TallyResult::Won) {  // a one-member group', '  if (false) {', 'RaftRules.SingleMemberElectsItself'),
 ("Alloc", R+'raft_elector.cpp', '  ++now_ticks_;\n', '  ++now_ticks_;\n  { std::vector<int> waste(3); (void)waste; }\n', 'RaftCluster.SteadyStateDoesNotAllocate'),
]
M += [
 ("L-StaleHeartbeat", R+'raft_elector_leader.cpp', '    send(from, HeartbeatResponse{hard_state_.term, m.round});\n    return;', '    return;', 'RaftRules.StaleLeaderLearnsNewerTermFromHeartbeatResponse'),
 ("Standing", R+'raft_elector.cpp', 'return standing_ && priority_of', 'return priority_of', 'RaftRules.NotStandingNeverCampaignsButStillVotes'),
 ("ConnLostGuard", R+'raft_elector.cpp', 'if (config_.leader_lease || !config_.pre_vote) return RequestResult::NotSupported;', '', 'RaftRules.LeaderConnectionLostRefusedWithLeaseOrWithoutPreVote'),
 ("ConnLostContact", R+'raft_elector.cpp', '  leader_contact_tick_ = now_ticks_ >= config_.election_timeout_ticks_min\n', '  leader_contact_tick_ = true ? leader_contact_tick_ : now_ticks_ >= config_.election_timeout_ticks_min\n', 'RaftRules.LeaderConnectionLostEndsStickinessSoPeersWhoSawItGrant'),
 ("ConnLostTurns", R+'raft_elector.cpp', 'timer_.fire_in(1 + rank * step);', 'timer_.fire_in(1);', 'RaftRules.LeaderConnectionLostTakesTurnsByIdSoTheVoteDoesNotSplit'),
 ("L-Sticky", R+'raft_elector_votes.cpp', 'in_leader_contact() && !m.leadership_transfer', 'false && !m.leadership_transfer', 'RaftCluster.LeaseSafeUnderPartitions'),
]
# ticks_until_due(): each branch of the leader's and the follower's next-due tick, once too late.
DUE='RaftTicksUntilDue.*'
M += [
 ("DueFollower", R+'raft_elector.cpp', 'return ticks_until(timer_.timeout_ticks(), timer_.elapsed_ticks());', 'return ticks_until(timer_.timeout_ticks() + 1, timer_.elapsed_ticks());', DUE),
 ("DueHeartbeat", R+'raft_elector_leader.cpp', '(interval > elapsed ? interval - elapsed : 1), kNeverTick};', '(interval > elapsed ? interval - elapsed + 1 : 1), kNeverTick};', DUE),
 ("DueCheckQuorumStale", R+'raft_elector_leader.cpp', 'const std::uint64_t stale_at = leader.last_heard_ticks[i] + min_ticks + 1;', 'const std::uint64_t stale_at = leader.last_heard_ticks[i] + min_ticks + 2;', DUE),
 ("DueTransfer", R+'raft_elector_leader.cpp', '    due.other =\n        std::min(due.other, at_least_next(leader.transfer_started_tick + transfer_timeout_ticks()));\n', '', DUE),
 ("DuePreferredRun", R+'raft_elector_leader.cpp', 'due.other = std::min(due.other, at_least_next(leader.preferred_healthy_since_tick + min_ticks));', '', DUE),
]
# input_can_wait(): each clause that keeps a leader from deferring its input, dropped.
WAIT='RaftInputCanWait.*'
M += [
 ("WaitLeaderOnly", R+'raft_elector_leader.cpp', 'if (leader == nullptr || leader->transfer_target != kNoNode) return false;', 'if (leader == nullptr) return true;', WAIT),
 ("WaitTransfer", R+'raft_elector_leader.cpp', 'if (leader == nullptr || leader->transfer_target != kNoNode) return false;', 'if (leader == nullptr) return false;', WAIT),
 ("WaitOtherDue", R+'raft_elector_leader.cpp', '  if (due.other <= due.heartbeat) return false;\n', '', WAIT),
 ("WaitLease", R+'raft_elector_leader.cpp', '!leader->lease.valid_at(due.heartbeat)) {', '!leader->lease.valid_at(now_ticks_)) {', WAIT),
 ("WaitLeaseSweep", R+'raft_elector_leader.cpp', '!leader->lease.valid_at(due.heartbeat)) {', '!leader->lease.valid_at(now_ticks_)) {', 'RaftTicksUntilDue.InputWaitsOnlyWhenHarmlessWithSlowHeartbeats'),
 ("WaitOtherDueSweep", R+'raft_elector_leader.cpp', '  if (due.other <= due.heartbeat) return false;\n', '', 'RaftTicksUntilDue.InputWaitsOnlyWhenHarmlessWithSlowHeartbeats'),
 # The other cores' input_can_wait(), checked by the generic sweep (tests/core/ticks_until_due_test.cpp).
 ("WaitPaxosLease", 'src/core/paxos/paxos_elector.cpp', 'return leader->lease.valid_at(renewal);', 'return leader->lease.valid_at(now_ticks_ + 0 * renewal);', 'AllCores/TicksUntilDueSweep.NoTickBeforeTheDueOneActs/PaxosSlowRenewal*'),
 ("WaitZabQuorum", 'src/core/zab/zab_elector.cpp', 'return quorum_lapse_tick(*leading) > ping;', 'return quorum_lapse_tick(*leading) > now_ticks_ + 0 * ping;', 'AllCores/TicksUntilDueSweep.NoTickBeforeTheDueOneActs/ZabSlowPing*'),
]
only = sys.argv[1:]
survivors = []
for name, f, old, new, filt in M:
    if only and name not in only: continue
    src = open(f).read()
    if old not in src:
        print(f"{name}: PATTERN NOT FOUND"); continue
    open(f,'w').write(src.replace(old, new, 1))
    try:
        b = subprocess.run(['cmake','--build','build','--target','core_tests'], capture_output=True, text=True)
        if b.returncode != 0:
            print(f"{name}: BUILD FAILED\n{b.stdout[-1500:]}"); survivors.append(name); continue
        results = []
        for t in filt.split(':'):
            r = subprocess.run(['./build/tests/core_tests', f'--gtest_filter={t}'], capture_output=True, text=True)
            results.append(f"{t.split('.')[1]}={'FAILS' if r.returncode else 'passes(!)'}")
            if r.returncode == 0: survivors.append(f"{name}/{t}")
        print(f"{name}: " + ", ".join(results), flush=True)
    finally:
        open(f,'w').write(src)

subprocess.run(['cmake', '--build', 'build', '--target', 'core_tests'], capture_output=True)
print("all mutations caught" if not survivors else f"NOT caught: {survivors}")
sys.exit(1 if survivors else 0)
