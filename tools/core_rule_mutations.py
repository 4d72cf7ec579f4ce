#!/usr/bin/env python3
"""Proves each rule test of the non-Raft election cores has teeth (tools/raft_rule_mutations.py does
the same for Raft): breaks one rule at a time in src/core/{bully,ring,paxos,zab,lease,sequential,
store,store_client}/ by a textual replace, rebuilds core_tests, and checks that the rule's tests
FAIL (a test that hangs counts as failing). Restores every file afterwards, also on Ctrl-C.
Usage: tools/core_rule_mutations.py [--build-dir DIR] [NAME|CORE ...]
  NAME is one mutation (e.g. bully.HighestAtOnce), CORE all of one core (e.g. store_client); none: all.
  DIR (default build) must already be configured; only the core_tests target is built.
Exits 1 if a mutation survives, its pattern is not found exactly once, or it does not build."""
import argparse, os, signal, subprocess, sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

B, RI, P, Z, L, S, ST, SC = (f'src/core/{d}/' for d in
                             ('bully', 'ring', 'paxos', 'zab', 'lease', 'sequential', 'store', 'store_client'))

# (name, file, old, new, gtest_filter): `old` must occur exactly once in `file`; every test named in
# the filter (':'-separated) must fail once `old` is replaced by `new`.
M = [
 # ---- Bully (tests/core/bully_rules_test.cpp) ----
 ("bully.ElectionToHigherOnly", B+'bully_elector.cpp', 'if (member > config_.id) send(member, Election{', 'if (member != config_.id) send(member, Election{', 'BullyRules.ElectionGoesToHigherIdsWithMaxEpochSeen:BullyRules.AnswersLowerElectionAndStartsItsOwn'),
 ("bully.ElectionCarriesMaxEpoch", B+'bully_elector.cpp', 'send(member, Election{hard_state_.term});', 'send(member, Election{0});', 'BullyRules.ElectionGoesToHigherIdsWithMaxEpochSeen:BullyRules.BulliesLowerIdCoordinator'),
 ("bully.HighestAtOnce", B+'bully_elector.cpp', 'if (!has_higher_member()) {', 'if (false) {', 'BullyRules.HighestIdBecomesCoordinatorAtOnce'),
 ("bully.AnswerLower", B+'bully_elector_messages.cpp', '    send(from, Answer{hard_state_.term});\n', '', 'BullyRules.AnswersLowerElectionAndStartsItsOwn:BullyRules.FollowerOfLiveLeaderAnswersWithoutCampaigning:BullyRules.RunningElectionOnlyAnswers:BullyRules.LeaderAnswersAndReassertsCoordinator'),
 ("bully.TakeOverLowerElection", B+'bully_elector_messages.cpp', '      start_election("Election from a lower id");', '', 'BullyRules.AnswersLowerElectionAndStartsItsOwn:BullyRules.FollowerOfLiveLeaderAnswersWithoutCampaigning'),
 ("bully.LiveLeaderAnswers", B+'bully_elector_messages.cpp', '} else if (leader_recently_heard()) {', '} else if (false) {', 'BullyRules.FollowerOfLiveLeaderAnswersWithoutCampaigning'),
 ("bully.RecentlyHeardWindow", B+'bully_elector.cpp', '2ULL * config_.heartbeat_interval_ticks', '20ULL * config_.heartbeat_interval_ticks', 'BullyRules.FollowerOfLiveLeaderAnswersWithoutCampaigning'),
 ("bully.RunningOnlyAnswers", B+'bully_elector_messages.cpp', '} else if (!running_election()) {\n      start_election("Election from a lower id");', '} else {\n      start_election("Election from a lower id");', 'BullyRules.RunningElectionOnlyAnswers'),
 ("bully.ReassertToAskerOnly", B+'bully_elector_messages.cpp', 'reassert("Election from a lower id", from);', 'reassert("Election from a lower id", kNoNode);', 'BullyRules.LeaderAnswersAndReassertsCoordinator'),
 ("bully.ReassertFreshEpoch", B+'bully_elector.cpp', 'if (hard_state_.term > leader.epoch) {', 'if (false) {', 'BullyRules.LeaderAnswersAndReassertsCoordinator:BullyRules.LeaderBulliesLowerIdAlive'),
 ("bully.AnswerStopsWait", B+'bully_elector_messages.cpp', '    role_ = AwaitingCoordinator{now_ticks_ + config_.coordinator_timeout_ticks};\n', '', 'BullyRules.AnswerStopsWaitingToWinThenRestartsWithoutCoordinator'),
 ("bully.CoordinatorTimeout", B+'bully_elector_messages.cpp', 'AwaitingCoordinator{now_ticks_ + config_.coordinator_timeout_ticks}', 'AwaitingCoordinator{now_ticks_ + 2 * config_.coordinator_timeout_ticks}', 'BullyRules.AnswerStopsWaitingToWinThenRestartsWithoutCoordinator'),
 ("bully.RestartWithoutCoordinator", B+'bully_elector.cpp', '    start_election("no Coordinator after Answer");', '', 'BullyRules.AnswerStopsWaitingToWinThenRestartsWithoutCoordinator'),
 ("bully.AnswerTimeout", B+'bully_elector.cpp', 'Electing{now_ticks_ + config_.answer_timeout_ticks}', 'Electing{now_ticks_ + 1 + config_.answer_timeout_ticks}', 'BullyRules.NoAnswerBecomesCoordinatorSkippingSilentHigherNodes'),
 ("bully.SkipSilentHigher", B+'bully_elector.cpp', 'if (skip_higher && member > config_.id) continue;', '(void)skip_higher;', 'BullyRules.NoAnswerBecomesCoordinatorSkippingSilentHigherNodes'),
 ("bully.EpochMaxPlusOne", B+'bully_elector.cpp', '  hard_state_.term += 1;\n  persist();', '  hard_state_.term = 1;\n  persist();', 'BullyRules.NoAnswerBecomesCoordinatorSkippingSilentHigherNodes:BullyRules.RestoredEpochIsNeverReused:BullyRules.LeaderAnswersAndReassertsCoordinator'),
 ("bully.PersistOwnEpoch", B+'bully_elector.cpp', '  hard_state_.term += 1;\n  persist();', '  hard_state_.term += 1;', 'BullyRules.NoAnswerBecomesCoordinatorSkippingSilentHigherNodes:BullyRules.HighestIdBecomesCoordinatorAtOnce'),
 ("bully.GainedLeadership", B+'bully_elector.cpp', '  output_.leadership.push_back(LeadershipChange{true, epoch, epoch});\n', '', 'BullyRules.NoAnswerBecomesCoordinatorSkippingSilentHigherNodes'),
 ("bully.PersistSeenEpoch", B+'bully_elector.cpp', '  hard_state_.term = epoch;\n  persist();', '  hard_state_.term = epoch;', 'BullyRules.AcceptsCoordinatorFromHigherIdAndPersistsEpoch'),
 ("bully.PersistOnlyGrowth", B+'bully_elector.cpp', 'if (epoch <= hard_state_.term) return;', 'if (epoch < hard_state_.term) return;', 'BullyRules.AcceptsCoordinatorFromHigherIdAndPersistsEpoch'),
 ("bully.BullyRule", B+'bully_elector_messages.cpp', 'if (from < config_.id && can_stand()) return Claim::Bully;', 'if (false) return Claim::Bully;', 'BullyRules.BulliesLowerIdCoordinator:BullyRules.LeaderBulliesLowerIdAlive:BullyRules.ResignStepsDownAndHoldsBack'),
 ("bully.BullyReasserts", B+'bully_elector_messages.cpp', '    reassert("lower-id leader seen");\n', '', 'BullyRules.LeaderBulliesLowerIdAlive'),
 ("bully.StepDownGivesUpLeadership", B+'bully_elector.cpp', '    output_.leadership.push_back(LeadershipChange{false, l->epoch, l->epoch});\n    emit(CoreEventKind::SteppedDown, leader, reason);', '    (void)l;\n    emit(CoreEventKind::SteppedDown, leader, reason);', 'BullyRules.LeaderStepsDownOnAcceptedCoordinator:BullyRules.AcceptsAliveFromNodeAboveOurLeader:BullyRules.ResignStepsDownAndHoldsBack'),
 ("bully.EqualEpochHigherIdWins", B+'bully_elector_messages.cpp', 'if (epoch >= max_seen && from > leader)', 'if (epoch > max_seen && from > leader)', 'BullyRules.LeaderStepsDownOnAcceptedCoordinator:BullyRules.IgnoresStaleCoordinator:BullyRules.AcceptsAliveFromNodeAboveOurLeader'),
 ("bully.StaleEpochIgnored", B+'bully_elector_messages.cpp', 'if (epoch >= max_seen && from > leader)', 'if (from > leader)', 'BullyRules.IgnoresStaleCoordinator:BullyRules.AcceptsAliveFromNodeAboveOurLeader'),
 ("bully.OnlyAboveLeader", B+'bully_elector_messages.cpp', 'if (epoch >= max_seen && from > leader)', 'if (epoch >= max_seen && (from > leader || true))', 'BullyRules.IgnoresStaleCoordinator:BullyRules.AcceptsAliveFromNodeAboveOurLeader'),
 ("bully.OwnLeaderStaleEpoch", B+'bully_elector_messages.cpp', 'return epoch >= follower->leader_epoch ? Claim::Accept : Claim::Ignore;', 'return Claim::Accept;', 'BullyRules.IgnoresStaleCoordinator'),
 ("bully.NewerCoordinatorOnly", B+'bully_elector_messages.cpp', 'if (is_coordinator && epoch > max_seen)', 'if ((is_coordinator || true) && epoch > max_seen)', 'BullyRules.AcceptsAliveFromNodeAboveOurLeader'),
 ("bully.AliveInterval", B+'bully_elector.cpp', '++leader.heartbeat_elapsed_ticks < config_.heartbeat_interval_ticks', '++leader.heartbeat_elapsed_ticks <= config_.heartbeat_interval_ticks', 'BullyRules.LeaderSendsAliveEveryHeartbeatInterval'),
 ("bully.AliveCarriesEpoch", B+'bully_elector.cpp', 'send(member, Alive{leader.epoch});', 'send(member, Alive{0});', 'BullyRules.LeaderSendsAliveEveryHeartbeatInterval'),
 ("bully.AliveResetsTimer", B+'bully_elector.cpp', 'role_ = Follower{leader, leader_epoch, leader_deadline(), now_ticks_};', 'role_ = Follower{leader, leader_epoch, old != nullptr && old->leader == leader ? old->deadline_tick : leader_deadline(), now_ticks_};', 'BullyRules.LeaderTimeoutStartsElectionAndAliveResetsIt:BullyRules.StartUpWaitsRandomizedLeaderTimeout'),
 ("bully.TimeoutNotRandom", B+'bully_elector.cpp', 'rng_.uniform(config_.leader_timeout_ticks_min, config_.leader_timeout_ticks_max)', 'config_.leader_timeout_ticks_max', 'BullyRules.LeaderTimeoutStartsElectionAndAliveResetsIt:BullyRules.StartUpWaitsRandomizedLeaderTimeout'),
 ("bully.StartUpWait", B+'bully_elector.cpp', '  role_ = Follower{kNoNode, 0, leader_deadline()};\n  // Room', '  role_ = Follower{kNoNode, 0, 0};\n  // Room', 'BullyRules.StartUpWaitsRandomizedLeaderTimeout'),
 ("bully.FenceOnlyWhileLeader", B+'bully_elector.cpp', 'if (const auto* l = std::get_if<Leader>(&role_)) s.fence_token = l->epoch;', 's.fence_token = hard_state_.term;', 'BullyRules.StatusReportsEpochFenceTokenAndNoLease'),
 ("bully.NoLease", B+'bully_elector.cpp', 's.lease_valid = false;', 's.lease_valid = true;', 'BullyRules.StatusReportsEpochFenceTokenAndNoLease'),
 ("bully.Restore", B+'bully_elector.cpp', 'hard_state_(restored)', 'hard_state_(((void)restored, HardState{}))', 'BullyRules.RestoredEpochIsNeverReused:BullyRules.StatusReportsEpochFenceTokenAndNoLease'),
 ("bully.NoTransfer", B+'bully_elector.cpp', '  return RequestResult::NotSupported;', '  return RequestResult::Ok;', 'BullyRules.TransferIsNotSupported'),
 ("bully.ResignNeedsLeader", B+'bully_elector.cpp', '  if (leader == nullptr) return RequestResult::NotLeader;\n', '  (void)leader;\n', 'BullyRules.ResignStepsDownAndHoldsBack'),
 ("bully.ResignHold", B+'bully_elector.cpp', 'resign_hold_until_tick_ = now_ticks_ + config_.leader_timeout_ticks_max;', 'resign_hold_until_tick_ = now_ticks_;', 'BullyRules.ResignStepsDownAndHoldsBack'),
 ("bully.ResignedDoesNotAnswer", B+'bully_elector_messages.cpp', '    if (!can_stand()) {', '    if (false) {', 'BullyRules.ResignStepsDownAndHoldsBack'),
 ("bully.ResignedAcceptsLower", B+'bully_elector_messages.cpp', 'if (from < config_.id && can_stand())', 'if (from < config_.id)', 'BullyRules.ResignStepsDownAndHoldsBack'),
 ("bully.ResignedDoesNotStand", B+'bully_elector.cpp', '  if (!can_stand()) {\n    // Resigned: keep waiting', '  if (false) {\n    // Resigned: keep waiting', 'BullyRules.ResignStepsDownAndHoldsBack'),
 ("bully.ForeignIgnored", B+'bully_elector.hpp', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");\n    start_election("foreign");', 'BullyRules.IgnoresOtherAlgorithmsMessages'),
 ("bully.NonMemberIgnored", B+'bully_elector_messages.cpp', 'if (index_of(envelope.from) == kNotMember) {', 'if (false) {', 'BullyRules.IgnoresMisroutedMessages'),
 ("bully.SelfIgnored", B+'bully_elector_messages.cpp', 'if (envelope.from == config_.id) {', 'if (false) {', 'BullyRules.IgnoresMisroutedMessages'),
 ("bully.HigherElectionIgnored", B+'bully_elector_messages.cpp', 'void BullyElector::on(NodeId from, const Election& m) {\n  if (from < config_.id) {', 'void BullyElector::on(NodeId from, const Election& m) {\n  if (from != config_.id) {', 'BullyRules.IgnoresMisroutedMessages'),
 # ---- Ring (tests/core/ring_rules_test.cpp) ----
 ("ring.InitiateOnTimeout", RI+'ring_elector.cpp', '    emit(CoreEventKind::ElectionTimeout, leader_, "no Alive from the leader");\n    initiate({});', '    emit(CoreEventKind::ElectionTimeout, leader_, "no Alive from the leader");', 'RingRules.InitiatesOnLeaderTimeout:RingRules.SuccessorWrapsFromHighestToLowest'),
 ("ring.InitiatorBecomesParticipant", RI+'ring_elector.cpp', '  participant_ = true;\n  election_deadline_tick_ = now_ticks_ + election_timeout_ticks();\n  emit(CoreEventKind::CampaignStarted, kNoNode', '  election_deadline_tick_ = now_ticks_ + election_timeout_ticks();\n  emit(CoreEventKind::CampaignStarted, kNoNode', 'RingRules.InitiatesOnLeaderTimeout:RingRules.DiscardsLowerBestWhenParticipant'),
 ("ring.ElectionCarriesMaxEpoch", RI+'ring_elector.cpp', 'Election{config_.id, config_.id, hard_state_.term, 0', 'Election{config_.id, config_.id, 0, 0', 'RingRules.InitiatesOnLeaderTimeout'),
 ("ring.SuccessorWraps", RI+'ring_elector.cpp', 'const std::size_t pos = (start + step) % n;', 'const std::size_t pos = std::min(start + step, n - 1);', 'RingRules.SuccessorWrapsFromHighestToLowest'),
 ("ring.SuccessorIsNext", RI+'ring_elector.cpp', 'const std::size_t pos = (start + step) % n;', 'const std::size_t pos = (start + n - step) % n;', 'RingRules.InitiatesOnLeaderTimeout:RingRules.ForwardsHigherBestUnchanged'),
 ("ring.StartupWait", RI+'ring_elector.cpp', '  arm_leader_timer();\n  output_.messages.reserve', '  output_.messages.reserve', 'RingRules.StartupWaitsRandomizedLeaderTimeout'),
 ("ring.TimeoutNotRandom", RI+'ring_elector.cpp', 'rng_.uniform(config_.leader_timeout_ticks_min, config_.leader_timeout_ticks_max)', 'config_.leader_timeout_ticks_max', 'RingRules.StartupWaitsRandomizedLeaderTimeout'),
 ("ring.AckElection", RI+'ring_elector_messages.cpp', '  send(from, Ack{m.sequence});\n  note_epoch(m.epoch);', '  note_epoch(m.epoch);', 'RingRules.AcksElectionToSenderFirst:RingRules.DiscardsLowerBestWhenParticipant'),
 ("ring.AckSequence", RI+'ring_elector_messages.cpp', '  send(from, Ack{m.sequence});\n  note_epoch(m.epoch);', '  send(from, Ack{m.sequence + 1});\n  note_epoch(m.epoch);', 'RingRules.AcksElectionToSenderFirst'),
 ("ring.AckFirst", RI+'ring_elector_messages.cpp', '  send(from, Ack{m.sequence});\n  note_epoch(m.epoch);', '  struct AckLast {\n    RingElector* node; NodeId to; std::uint64_t sequence;\n    ~AckLast() { node->send(to, Ack{sequence}); }\n  } ack_last{this, from, m.sequence};\n  note_epoch(m.epoch);', 'RingRules.AcksElectionToSenderFirst'),
 ("ring.ForwardHigherBest", RI+'ring_elector_messages.cpp', 'if (m.best > config_.id || holding) {', 'if (holding) {', 'RingRules.ForwardsHigherBestUnchanged'),
 ("ring.ForwarderJoins", RI+'ring_elector_messages.cpp', '    if (!holding) {\n      participant_ = true;', '    if (!holding) {', 'RingRules.ForwardsHigherBestUnchanged'),
 ("ring.CarryMaxEpoch", RI+'ring_elector_messages.cpp', 'next.epoch = std::max(m.epoch, hard_state_.term);', 'next.epoch = m.epoch;', 'RingRules.ForwardedElectionCarriesTheHighestEpochSeen'),
 ("ring.ReplaceLowerBest", RI+'ring_elector_messages.cpp', '  next.best = config_.id;\n', '', 'RingRules.ReplacesLowerBestWhenNotParticipant'),
 ("ring.Suppression", RI+'ring_elector_messages.cpp', '  if (participant_) {\n    // Chang-Roberts', '  if (false) {\n    // Chang-Roberts', 'RingRules.DiscardsLowerBestWhenParticipant'),
 ("ring.WinEpochAboveSeen", RI+'ring_elector.cpp', 'epoch_ = std::max(hard_state_.term, seen_epoch) + 1;', 'epoch_ = std::max(hard_state_.term, seen_epoch);', 'RingRules.WinnerPersistsEpochInTheBatchOfItsElected:RingRules.StatusFenceTokenAndRestoredHardState'),
 ("ring.WinPersists", RI+'ring_elector.cpp', '  output_.hard_state = hard_state_;\n  if (was_leading) {', '  if (was_leading) {', 'RingRules.WinnerPersistsEpochInTheBatchOfItsElected'),
 ("ring.WinSendsElected", RI+'ring_elector.cpp', '  send_ring(config_.id, Elected{config_.id, epoch_, 0});', '', 'RingRules.WinnerPersistsEpochInTheBatchOfItsElected'),
 ("ring.OwnIdReturnedWins", RI+'ring_elector_messages.cpp', '    win(m.epoch);\n    return;', '    return;', 'RingRules.WinnerPersistsEpochInTheBatchOfItsElected'),
 ("ring.DecidedOwnElectionIgnored", RI+'ring_elector_messages.cpp', '    if (!participant_) {\n      emit(CoreEventKind::MessageIgnored, from, "own election already decided");', '    if (false) {\n      emit(CoreEventKind::MessageIgnored, from, "own election already decided");', 'RingRules.OwnElectionReturningAfterTheRoundIsIgnored'),
 ("ring.ForwardElected", RI+'ring_elector_messages.cpp', '  forwarded_epoch_ = m.epoch;\n  send_ring(config_.id, m);', '  forwarded_epoch_ = m.epoch;', 'RingRules.ElectedIsRecordedPersistedAndForwarded'),
 ("ring.AckElected", RI+'ring_elector_messages.cpp', 'void RingElector::on(NodeId from, const Elected& m) {\n  send(from, Ack{m.sequence});', 'void RingElector::on(NodeId from, const Elected& m) {', 'RingRules.ElectedIsRecordedPersistedAndForwarded:RingRules.ElectedReturningToItsLeaderEndsTheRound'),
 ("ring.ElectedPersistsEpoch", RI+'ring_elector.cpp', '  note_epoch(epoch);\n  arm_leader_timer();', '  arm_leader_timer();', 'RingRules.ElectedIsRecordedPersistedAndForwarded'),
 ("ring.ElectedForwardedOnce", RI+'ring_elector_messages.cpp', '  forwarded_leader_ = m.leader;\n', '', 'RingRules.ElectedIsRecordedPersistedAndForwarded'),
 ("ring.FollowerHasNoToken", RI+'ring_elector.cpp', 's.fence_token = leading_ ? epoch_ : 0;', 's.fence_token = epoch_;', 'RingRules.ElectedIsRecordedPersistedAndForwarded'),
 ("ring.ElectedEndsAtLeader", RI+'ring_elector_messages.cpp', '  if (m.leader == config_.id) {\n    // Our announcement', '  if (false) {\n    // Our announcement', 'RingRules.ElectedReturningToItsLeaderEndsTheRound'),
 ("ring.HigherIdBreaksTie", RI+'ring_elector.cpp', '  return leader > known;', '  return (void)known, (void)leader, false;', 'RingRules.LeaderStepsDownOnElectedOfAnotherWithEpochAtLeastItsOwn'),
 ("ring.LowerIdLosesTie", RI+'ring_elector.cpp', '  return leader > known;', '  return leader != known;', 'RingRules.LeaderStepsDownOnElectedOfAnotherWithEpochAtLeastItsOwn'),
 ("ring.NewerEpochWins", RI+'ring_elector.cpp', 'if (epoch != epoch_) return epoch > epoch_;', 'if (epoch != epoch_) return false;', 'RingRules.LeaderStepsDownOnElectedOfAnotherWithEpochAtLeastItsOwn:RingRules.AliveWithHigherEpochFromAnotherNodeIsAdopted'),
 ("ring.StepDownGivesUpLeadership", RI+'ring_elector.cpp', '  leading_ = false;\n  output_.leadership.push_back(LeadershipChange{false, epoch_, epoch_});', '  leading_ = false;', 'RingRules.LeaderStepsDownOnElectedOfAnotherWithEpochAtLeastItsOwn:RingRules.ResignStepsDownHoldsBackAndStillForwards'),
 ("ring.AckTimeoutMarksDead", RI+'ring_elector.cpp', '  dead_[position_of(pending.to)] = true;\n', '', 'RingRules.SilentSuccessorIsSkippedAfterAckTimeout:RingRules.LoneNodeElectsItselfAndNeverSendsToItself'),
 ("ring.AckTimeout", RI+'ring_elector.cpp', 'now_ticks_ + config_.ack_timeout_ticks, message}', 'now_ticks_ + config_.ack_timeout_ticks + 1, message}', 'RingRules.SilentSuccessorIsSkippedAfterAckTimeout'),
 ("ring.FreshSequence", RI+'ring_elector.cpp', 'const std::uint64_t sequence = next_sequence_++;', 'const std::uint64_t sequence = next_sequence_;', 'RingRules.SilentSuccessorIsSkippedAfterAckTimeout'),
 ("ring.AckClearsPending", RI+'ring_elector_messages.cpp', '  pending_.erase(it);\n', '', 'RingRules.SilentSuccessorIsSkippedAfterAckTimeout'),
 ("ring.HeardMemberRevives", RI+'ring_elector_messages.cpp', '  dead_[from_position] = false;\n', '', 'RingRules.SilentSuccessorIsSkippedAfterAckTimeout'),
 ("ring.NeverSendToSelf", RI+'ring_elector.cpp', '    if (pos == self_position_) continue;  // a node never sends to itself\n', '', 'RingRules.LoneNodeElectsItselfAndNeverSendsToItself'),
 ("ring.LoneSurvivorWins", RI+'ring_elector.cpp', 'if (!send_ring(pending.to, pending.message) && !leading_) win(election->epoch);', 'send_ring(pending.to, pending.message);', 'RingRules.LoneNodeElectsItselfAndNeverSendsToItself'),
 ("ring.SingleMemberWins", RI+'ring_elector.cpp', '    win(hard_state_.term);  // every other member', '    // every other member', 'RingRules.LoneNodeElectsItselfAndNeverSendsToItself'),
 ("ring.DecidedDropsElections", RI+'ring_elector.cpp', '  step_down(reason);\n  drop_pending_elections();', '  step_down(reason);', 'RingRules.DecidedRoundStopsRetryingUnackedElections'),
 ("ring.SkipperReplacesDeadBest", RI+'ring_elector.cpp', '    if (election->best == pending.to) election->best = config_.id;\n', '', 'RingRules.SkippingADeadBestCarriesTheSkipperInstead'),
 ("ring.DeadBestDropped", RI+'ring_elector_messages.cpp', '  if (presumed_dead(m.best)) {', '  if (false) {', 'RingRules.ElectionForAPresumedDeadBestIsDropped'),
 ("ring.AliveInterval", RI+'ring_elector.cpp', '      heartbeat_due_tick_ = now_ticks_ + config_.heartbeat_interval_ticks;', '      heartbeat_due_tick_ = now_ticks_ + config_.heartbeat_interval_ticks + 1;', 'RingRules.LeaderSendsAliveToEveryOtherMemberEveryInterval'),
 ("ring.AliveToEveryone", RI+'ring_elector.cpp', 'if (member != config_.id) send(member, Alive{config_.id, epoch_});', 'if (member > config_.id) send(member, Alive{config_.id, epoch_});', 'RingRules.LeaderSendsAliveToEveryOtherMemberEveryInterval'),
 ("ring.AliveCarriesEpoch", RI+'ring_elector.cpp', 'send(member, Alive{config_.id, epoch_});', 'send(member, Alive{config_.id, 0});', 'RingRules.LeaderSendsAliveToEveryOtherMemberEveryInterval'),
 ("ring.AliveResetsTimer", RI+'ring_elector_messages.cpp', '  if (!leading_ && m.leader == leader_ && m.epoch == epoch_) {\n    arm_leader_timer();', '  if (!leading_ && m.leader == leader_ && m.epoch == epoch_) {', 'RingRules.FollowerResetsLeaderTimerOnAliveFromItsLeader'),
 ("ring.AdoptNewerAlive", RI+'ring_elector_messages.cpp', '  follow(m.leader, m.epoch, "newer leader alive");', '', 'RingRules.AliveWithHigherEpochFromAnotherNodeIsAdopted'),
 ("ring.StaleAliveIgnored", RI+'ring_elector_messages.cpp', '  if (!newer_than_known(m.epoch, m.leader)) {\n    // An older leader', '  if (false) {\n    // An older leader', 'RingRules.AliveWithHigherEpochFromAnotherNodeIsAdopted'),
 ("ring.AliveOnlyFromItsLeader", RI+'ring_elector_messages.cpp', '  if (m.leader != from) {', '  if (false) {', 'RingRules.MisroutedMessagesAreIgnored'),
 ("ring.ElectionTimeoutLength", RI+'ring_elector.cpp', 'return 4ull * ring_.size() * config_.ack_timeout_ticks;', 'return 5ull * ring_.size() * config_.ack_timeout_ticks;', 'RingRules.ParticipantWithoutElectedRestartsAfterElectionTimeout'),
 ("ring.ElectionTimeoutRestarts", RI+'ring_elector.cpp', '      initiate("restart after election timeout");', '', 'RingRules.ParticipantWithoutElectedRestartsAfterElectionTimeout'),
 ("ring.Restore", RI+'ring_elector.cpp', 'hard_state_(restored),', 'hard_state_(((void)restored, HardState{})),', 'RingRules.StatusFenceTokenAndRestoredHardState'),
 ("ring.NoLease", RI+'ring_elector.cpp', 's.lease_valid = false;', 's.lease_valid = true;', 'RingRules.StatusFenceTokenAndRestoredHardState'),
 ("ring.NoTransfer", RI+'ring_elector.cpp', '  return RequestResult::NotSupported;', '  return RequestResult::Ok;', 'RingRules.TransferIsNotSupported'),
 ("ring.ResignNeedsLeader", RI+'ring_elector.cpp', '  if (!leading_) return RequestResult::NotLeader;\n', '', 'RingRules.ResignStepsDownHoldsBackAndStillForwards'),
 ("ring.ResignHold", RI+'ring_elector.cpp', 'resign_hold_until_tick_ = now_ticks_ + config_.leader_timeout_ticks_max;', 'resign_hold_until_tick_ = now_ticks_;', 'RingRules.ResignStepsDownHoldsBackAndStillForwards'),
 ("ring.ResignedDoesNotInitiate", RI+'ring_elector.cpp', '    if (now_ticks_ < resign_hold_until_tick_) {', '    if (false) {', 'RingRules.ResignStepsDownHoldsBackAndStillForwards'),
 ("ring.ResignedForwardsUnchanged", RI+'ring_elector_messages.cpp', 'if (m.best > config_.id || holding) {', 'if (m.best > config_.id) {', 'RingRules.ResignStepsDownHoldsBackAndStillForwards'),
 ("ring.ForeignIgnored", RI+'ring_elector.hpp', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");\n    initiate("foreign");', 'RingRules.OtherAlgorithmsMessagesAreIgnored'),
 ("ring.NonMemberIgnored", RI+'ring_elector_messages.cpp', '  if (from_position == kNotMember) {', '  if (false) {', 'RingRules.MisroutedMessagesAreIgnored'),
 ("ring.SelfIgnored", RI+'ring_elector_messages.cpp', '  if (envelope.from == config_.id) {', '  if (false) {', 'RingRules.MisroutedMessagesAreIgnored'),
 # ---- Paxos (tests/core/paxos_rules_test.cpp) ----
 ("paxos.PromisedHigherRefused", P+'acceptor.cpp', '  if (ballot < state_.promised) return Refusal::PromisedHigher;', '', 'PaxosRules.PromisesOnlyBallotsNotBelowItsPromise:PaxosRules.AcceptsOnlyIfNotPromisedHigher'),
 ("paxos.PromiseRaises", P+'acceptor.cpp', '  if (refusal == Refusal::None) state_.promised = ballot;', '', 'PaxosRules.PromisesOnlyBallotsNotBelowItsPromise:PaxosRules.HardStatePersistedBeforeReplies'),
 ("paxos.RefusalNamesFloor", P+'paxos_elector_messages.cpp', 'send(from, Promise{m.ballot, granted, floor(), accepted, accepted.node});', 'send(from, Promise{m.ballot, granted, m.ballot, accepted, accepted.node});', 'PaxosRules.PromisesOnlyBallotsNotBelowItsPromise:PaxosRules.ProposerRefusesLowerBallotsWhilePreparing:PaxosRules.LeaseWindowRefusesOtherBallots'),
 ("paxos.AcceptChecks", P+'acceptor.cpp', '  if (refusal != Refusal::None) return refusal;\n  // Accepting', '  (void)refusal;\n  // Accepting', 'PaxosRules.AcceptsOnlyIfNotPromisedHigher:PaxosRules.LeaseWindowRefusesOtherBallots'),
 ("paxos.AcceptedNamesFloor", P+'paxos_elector_messages.cpp', 'send(from, Accepted{m.ballot, granted, floor()});', 'send(from, Accepted{m.ballot, granted, m.ballot});', 'PaxosRules.AcceptsOnlyIfNotPromisedHigher'),
 ("paxos.AcceptorFollows", P+'paxos_elector_messages.cpp', '  if (granted) follow(from, m.ballot);', '', 'PaxosRules.AcceptsOnlyIfNotPromisedHigher:PaxosRules.BackoffWithJitterGrowsAndResetsWhenALeaderIsSeen'),
 ("paxos.OnePromiseEnough", P+'paxos_elector_messages.cpp', '  preparing->tally.record(from_index, m.granted);\n  switch (preparing->tally.result()) {', '  preparing->tally.record(from_index, m.granted);\n  if (m.granted) {\n    start_phase2(*preparing);\n    return;\n  }\n  switch (preparing->tally.result()) {', 'PaxosRules.MajorityNeededForEachPhase'),
 ("paxos.OneAcceptedEnough", P+'paxos_elector_messages.cpp', '  switch (accepting->tally.result()) {', '  if (m.granted) {\n    become_leader(*accepting);\n    return;\n  }\n  switch (accepting->tally.result()) {', 'PaxosRules.MajorityNeededForEachPhase'),
 ("paxos.OwnPromiseCounts", P+'paxos_elector.cpp', '  preparing.tally.record(self_index_, true);\n', '', 'PaxosRules.MajorityNeededForEachPhase:PaxosRules.SingleNodeGroupLeadsAlone'),
 ("paxos.OwnAcceptCounts", P+'paxos_elector.cpp', '  accepting.tally.record(self_index_, true);\n', '', 'PaxosRules.MajorityNeededForEachPhase:PaxosRules.SingleNodeGroupLeadsAlone'),
 ("paxos.GainedLeadership", P+'paxos_elector.cpp', '  output_.leadership.push_back(LeadershipChange{true, token_of(ballot), token_of(ballot)});\n', '', 'PaxosRules.MajorityNeededForEachPhase'),
 ("paxos.FenceIsBallotToken", P+'paxos_elector.cpp', 's.fence_token = token_of(l->ballot);', 's.fence_token = l->ballot.round;', 'PaxosRules.MajorityNeededForEachPhase'),
 ("paxos.RefusalTeachesRound", P+'paxos_elector_messages.cpp', 'note_round(std::max(m.promised.round, m.accepted.round));', 'note_round(m.accepted.round);', 'PaxosRules.RejectionTeachesHigherRound'),
 ("paxos.MajorityRefusalFails", P+'paxos_elector_messages.cpp', '      fail("a majority refused the prepare");\n', '', 'PaxosRules.RejectionTeachesHigherRound:PaxosRules.BallotIsDecidedByTheMajorityNotTheFirstRefusal'),
 ("paxos.BallotAboveMaxSeen", P+'paxos_elector.cpp', 'const Ballot ballot{max_round_seen_ + 1, config_.id};', 'const Ballot ballot{max_round_seen_ + 0, config_.id};', 'PaxosRules.RejectionTeachesHigherRound:PaxosRules.MajorityNeededForEachPhase:PaxosRules.SilentLeaderLeadsToProposalAfterLeaderTimeout'),
 ("paxos.FirstHigherRefusalEnds", P+'paxos_elector_messages.cpp', '  preparing->tally.record(from_index, m.granted);\n', '  if (!m.granted && m.promised > preparing->ballot) {\n    fail("refused");\n    return;\n  }\n  preparing->tally.record(from_index, m.granted);\n', 'PaxosRules.BallotIsDecidedByTheMajorityNotTheFirstRefusal'),
 ("paxos.BackoffDoubles", P+'backoff.hpp', 'factor_ = factor_ * 2 > max_factor_ ? max_factor_ : factor_ * 2;', 'factor_ = max_factor_;', 'PaxosRules.BackoffWithJitterGrowsAndResetsWhenALeaderIsSeen'),
 ("paxos.BackoffFirstFailureBase", P+'backoff.hpp', 'if (failures_ > 1 && factor_ < max_factor_) {', 'if (failures_ > 0 && factor_ < max_factor_) {', 'PaxosRules.BackoffWithJitterGrowsAndResetsWhenALeaderIsSeen'),
 ("paxos.BackoffJitter", P+'backoff.hpp', 'return rng.uniform(std::uint64_t{ticks_min_} * factor_, std::uint64_t{ticks_max_} * factor_);', 'return (void)rng, std::uint64_t{ticks_max_} * factor_;', 'PaxosRules.BackoffWithJitterGrowsAndResetsWhenALeaderIsSeen'),
 ("paxos.BackoffResetOnLeader", P+'paxos_elector_messages.cpp', '  reset_backoff();\n  role_ = Follower{leader, ballot', '  role_ = Follower{leader, ballot', 'PaxosRules.BackoffWithJitterGrowsAndResetsWhenALeaderIsSeen'),
 ("paxos.FailWaitsBackoff", P+'paxos_elector.cpp', 'role_ = Follower{kNoNode, Ballot{}, now_ticks_ + backoff_.draw_ticks(rng_)};', 'role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};', 'PaxosRules.BackoffWithJitterGrowsAndResetsWhenALeaderIsSeen'),
 ("paxos.LeaseWindow", P+'acceptor.cpp', '  if (now_ticks < window_end_tick_ && ballot.node != state_.accepted.node)', '  if ((void)now_ticks, false)', 'PaxosRules.LeaseWindowRefusesOtherBallots:PaxosRules.LeaseWindowLetsTheSameNodesHigherBallotThrough:PaxosRules.RestartedAcceptorRefusesOtherBallotsForALease:PaxosRules.RenewalRefusedForAnotherNodesWindowGetsNoAnswer'),
 ("paxos.LeaseWindowLength", P+'acceptor.cpp', 'window_end_tick_ = now_ticks + lease_ticks_;', 'window_end_tick_ = now_ticks + lease_ticks_ - 1;', 'PaxosRules.LeaseWindowRefusesOtherBallots'),
 ("paxos.LeaseWindowRestarts", P+'acceptor.cpp', '  window_end_tick_ = now_ticks + lease_ticks_;', '  if (window_end_tick_ == 0) window_end_tick_ = now_ticks + lease_ticks_;', 'PaxosRules.LeaseWindowRefusesOtherBallots'),
 ("paxos.LeaseWindowOtherNodesOnly", P+'acceptor.cpp', ' && ballot.node != state_.accepted.node', '', 'PaxosRules.LeaseWindowLetsTheSameNodesHigherBallotThrough:PaxosRules.RestartedAcceptorRefusesOtherBallotsForALease'),
 ("paxos.WindowRefusalNoAnswer", P+'paxos_elector_messages.cpp', '  if (refusal == Refusal::LeaseHeld) {\n    // No answer', '  if (false) {\n    // No answer', 'PaxosRules.RenewalRefusedForAnotherNodesWindowGetsNoAnswer'),
 ("paxos.Reballot", P+'paxos_elector_messages.cpp', '    role_ = Follower{kNoNode, Ballot{}, now_ticks_};\n    propose();', '    role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};', 'PaxosRules.LeaderReballotsWhenARenewalIsRefused'),
 ("paxos.ReballotKeepsOwnWindow", P+'paxos_elector_messages.cpp', 'leave_leadership("renewal refused: re-proposing with a higher ballot", false);', 'leave_leadership("renewal refused: re-proposing with a higher ballot", true);', 'PaxosRules.LeaderReballotsWhenARenewalIsRefused'),
 ("paxos.RefusedAckIsNoAck", P+'paxos_elector_messages.cpp', '  if (!m.granted) {\n    // The acceptor promised', '  if (false) {\n    // The acceptor promised', 'PaxosRules.LeaderReballotsWhenARenewalIsRefused'),
 ("paxos.LeaseTickGranularity", P+'lease.cpp', 'static_cast<double>(window_ticks - 1)', 'static_cast<double>(window_ticks)', 'PaxosRules.LeaseLengthAccountsForDriftAndTickGranularity:PaxosRules.LeaseRunsFromTheSendTickOfTheAckedRound'),
 ("paxos.LeaseDrift", P+'lease.cpp', '(1.0 - drift) / (1.0 + drift)', '(1.0 - drift)', 'PaxosRules.LeaseLengthAccountsForDriftAndTickGranularity'),
 ("paxos.LeaseDefaultTicks", P+'config.hpp', 'config.lease_ticks != 0 ? config.lease_ticks : config.leader_timeout_ticks_min', 'config.lease_ticks != 0 ? config.lease_ticks : config.leader_timeout_ticks_max', 'PaxosRules.LeaseLengthAccountsForDriftAndTickGranularity'),
 ("paxos.LeaseFromAcceptSend", P+'paxos_elector.cpp', '  lease.start_round(now_ticks_);  // round 1', '  lease.start_round(now_ticks_ + 1);  // round 1', 'PaxosRules.LeaseRunsFromTheSendTickOfTheAckedRound'),
 ("paxos.LeaseFromRenewSend", P+'paxos_elector.cpp', 'const std::uint64_t round = leader.lease.start_round(now_ticks_);', 'const std::uint64_t round = leader.lease.start_round(now_ticks_ + 3);', 'PaxosRules.LeaseRunsFromTheSendTickOfTheAckedRound'),
 ("paxos.AckCountsItsRound", P+'paxos_elector_messages.cpp', '  leader->lease.ack(from_index, m.round);', '  leader->lease.ack(from_index, 1);', 'PaxosRules.LeaseRunsFromTheSendTickOfTheAckedRound:PaxosRules.AckedRenewalsKeepTheLease'),
 ("paxos.RenewInterval", P+'paxos_elector.cpp', '++leader.heartbeat_elapsed_ticks >= config_.heartbeat_interval_ticks', '++leader.heartbeat_elapsed_ticks > config_.heartbeat_interval_ticks', 'PaxosRules.LeaseRunsFromTheSendTickOfTheAckedRound'),
 ("paxos.LapsedLeaseStepsDown", P+'paxos_elector.cpp', '  if (!leader.lease.valid_at(now_ticks_)) {', '  if (false) {', 'PaxosRules.LeaderStepsDownWhenLeaseLapses'),
 ("paxos.AckRenewsLease", P+'paxos_elector_messages.cpp', '  leader->lease.ack(from_index, m.round);', '  (void)from_index;', 'PaxosRules.AckedRenewalsKeepTheLease:PaxosRules.LeaseRunsFromTheSendTickOfTheAckedRound'),
 ("paxos.RenewSent", P+'paxos_elector.cpp', '  broadcast(LeaseRenew{leader.ballot, round}, false);', '  (void)round;', 'PaxosRules.AckedRenewalsKeepTheLease'),
 ("paxos.AcceptorPersists", P+'paxos_elector_messages.cpp', '  persist_if_changed();\n  if (refusal != Refusal::None', '  if (refusal != Refusal::None', 'PaxosRules.HardStatePersistedBeforeReplies:PaxosRules.PromisesOnlyBallotsNotBelowItsPromise:PaxosRules.RenewalBringsInAnAcceptorThatMissedTheAccept'),
 ("paxos.ProposerPersistsBeforeAccept", P+'paxos_elector.cpp', '  persist_if_changed();\n  raft::LeaseTracker lease', '  raft::LeaseTracker lease', 'PaxosRules.HardStatePersistedBeforeReplies'),
 ("paxos.AcceptNotEarly", P+'paxos_elector.cpp', 'broadcast(Accept{ballot, config_.id}, false);', 'broadcast(Accept{ballot, config_.id}, true);', 'PaxosRules.HardStatePersistedBeforeReplies'),
 ("paxos.PrepareEarly", P+'paxos_elector.cpp', 'broadcast(Prepare{ballot}, true);', 'broadcast(Prepare{ballot}, false);', 'PaxosRules.HardStatePersistedBeforeReplies'),
 ("paxos.RepliesAfterWrite", P+'paxos_elector.cpp', 'void PaxosElector::send(NodeId to, const Message& message) {\n  output_.messages.push_back', 'void PaxosElector::send(NodeId to, const Message& message) {\n  output_.early_messages.push_back', 'PaxosRules.HardStatePersistedBeforeReplies'),
 ("paxos.RestartWindow", P+'acceptor.cpp', '  if (state_.accepted != Ballot{}) window_end_tick_ = lease_ticks_;', '', 'PaxosRules.RestartedAcceptorRefusesOtherBallotsForALease'),
 ("paxos.RestartWindowOnlyIfAccepted", P+'acceptor.cpp', '  if (state_.accepted != Ballot{}) window_end_tick_ = lease_ticks_;', '  window_end_tick_ = lease_ticks_;', 'PaxosRules.RestartedAcceptorRefusesOtherBallotsForALease'),
 ("paxos.Restore", P+'paxos_elector.cpp', '      acceptor_(restored, effective_lease_ticks(config_)),', '      acceptor_(HardState{}, effective_lease_ticks(config_)),', 'PaxosRules.PromisesOnlyBallotsNotBelowItsPromise:PaxosRules.RestartedAcceptorRefusesOtherBallotsForALease'),
 ("paxos.ProposalWaitsOwnWindow", P+'paxos_elector.cpp', '  if (acceptor_.check(ballot, now_ticks_) != Refusal::None) {', '  if (false) {', 'PaxosRules.ProposalWaitsForOwnLeaseWindow'),
 ("paxos.ProposalWaitsUntilWindowEnd", P+'paxos_elector.cpp', 'follower.deadline_tick = acceptor_.window_end_tick();', 'follower.deadline_tick = acceptor_.window_end_tick() + 1;', 'PaxosRules.ProposalWaitsForOwnLeaseWindow'),
 ("paxos.OwnPromiseOnlyOnSuccess", P+'paxos_elector.cpp', '  preparing.tally.record(self_index_, true);\n', '  acceptor_.prepare(ballot, now_ticks_);\n  persist_if_changed();\n  preparing.tally.record(self_index_, true);\n', 'PaxosRules.FailedBallotLeavesOwnAcceptorUntouched:PaxosRules.HardStatePersistedBeforeReplies'),
 ("paxos.FailedPhase2ReleasesWindow", P+'paxos_elector.cpp', '    acceptor_.release_window(own_ballot());\n', '', 'PaxosRules.FailedPhase2LeavesNoLeaseWindow'),
 ("paxos.OwnBallotFloor", P+'paxos_elector_messages.cpp', '  if (ballot >= own_ballot()) {', '  if (true) {', 'PaxosRules.ProposerRefusesLowerBallotsWhilePreparing'),
 ("paxos.FloorIncludesOwnBallot", P+'paxos_elector_messages.cpp', 'return std::max(acceptor_.promised(), own_ballot());', 'return acceptor_.promised();', 'PaxosRules.ProposerRefusesLowerBallotsWhilePreparing'),
 ("paxos.PreemptedCountsFailure", P+'paxos_elector_messages.cpp', '    if (backoff_.note_failure()) {', '    if (false) {', 'PaxosRules.PreemptedProposerYieldsToHigherBallot'),
 ("paxos.PreemptedWaitsLeaderTimeout", P+'paxos_elector_messages.cpp', '    // Give the higher proposer a whole leader timeout to finish before we try again.\n    role_ = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};', '    role_ = Follower{kNoNode, Ballot{}, now_ticks_ + backoff_.draw_ticks(rng_)};', 'PaxosRules.PreemptedProposerYieldsToHigherBallot'),
 ("paxos.PreemptedYields", P+'paxos_elector_messages.cpp', '  } else if (!std::holds_alternative<Follower>(role_)) {', '  } else if (false) {', 'PaxosRules.PreemptedProposerYieldsToHigherBallot'),
 ("paxos.RenewalIsPhase2", P+'paxos_elector_messages.cpp', '  const Refusal refusal = judge(m.ballot, true);\n  if (refusal == Refusal::LeaseHeld) {', '  const Refusal refusal = judge(m.ballot, false);\n  if (refusal == Refusal::LeaseHeld) {', 'PaxosRules.RenewalBringsInAnAcceptorThatMissedTheAccept:PaxosRules.LeaseWindowRefusesOtherBallots'),
 ("paxos.RenewalFollows", P+'paxos_elector_messages.cpp', '  if (granted) {\n    follow(from, m.ballot);', '  if (false) {\n    follow(from, m.ballot);', 'PaxosRules.RenewalBringsInAnAcceptorThatMissedTheAccept:PaxosRules.FailedBallotLeavesOwnAcceptorUntouched'),
 ("paxos.FollowRestartsTimer", P+'paxos_elector_messages.cpp', '  role_ = Follower{leader, ballot, now_ticks_ + random_leader_timeout_ticks()};', '  role_ = Follower{leader, ballot, now_ticks_ + 2 * random_leader_timeout_ticks()};', 'PaxosRules.SilentLeaderLeadsToProposalAfterLeaderTimeout'),
 ("paxos.TimeoutProposes", P+'paxos_elector.cpp', '  follower.leader = kNoNode;\n  propose();', '  follower = Follower{kNoNode, Ballot{}, now_ticks_ + random_leader_timeout_ticks()};', 'PaxosRules.SilentLeaderLeadsToProposalAfterLeaderTimeout'),
 ("paxos.ResignNeedsLeader", P+'paxos_elector.cpp', '  if (!std::holds_alternative<Leader>(role_)) return RequestResult::NotLeader;\n', '', 'PaxosRules.ResignStepsDownAndHoldsProposals'),
 ("paxos.ResignHold", P+'paxos_elector.cpp', 'resign_hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;', 'resign_hold_until_tick_ = now_ticks_ + 1;', 'PaxosRules.ResignStepsDownAndHoldsProposals'),
 ("paxos.ResignedDoesNotStand", P+'paxos_elector.cpp', '  if (!can_stand()) {\n    // Resigned', '  if (false) {\n    // Resigned', 'PaxosRules.ResignStepsDownAndHoldsProposals'),
 ("paxos.ResignReportsLoss", P+'paxos_elector.cpp', '  leave_leadership("resigned");\n', '', 'PaxosRules.ResignStepsDownAndHoldsProposals'),
 ("paxos.NoTransfer", P+'paxos_elector.cpp', '  return RequestResult::NotSupported;', '  return RequestResult::Ok;', 'PaxosRules.TransferIsNotSupported'),
 ("paxos.ForeignIgnored", P+'paxos_elector.hpp', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");\n    broadcast(Prepare{Ballot{1, config_.id}}, true);', 'PaxosRules.ForeignAndMalformedMessagesAreIgnored'),
 ("paxos.NonMemberIgnored", P+'paxos_elector_messages.cpp', '  if (from_index == kNotMember) {', '  if (false) {', 'PaxosRules.ForeignAndMalformedMessagesAreIgnored'),
 ("paxos.SelfIgnored", P+'paxos_elector_messages.cpp', '  if (envelope.from == config_.id) {', '  if (false) {', 'PaxosRules.ForeignAndMalformedMessagesAreIgnored'),
 ("paxos.PrepareOnlyOwnBallot", P+'paxos_elector_messages.cpp', '  if (m.ballot.node != from) {\n    // A node only ever proposes itself', '  if (false) {\n    // A node only ever proposes itself', 'PaxosRules.ForeignAndMalformedMessagesAreIgnored'),
 ("paxos.AcceptOnlyOwnLeader", P+'paxos_elector_messages.cpp', 'if (m.ballot.node != from || m.leader != from) {', 'if (m.ballot.node != from) {', 'PaxosRules.ForeignAndMalformedMessagesAreIgnored'),
 ("paxos.RenewOnlyOwnBallot", P+'paxos_elector_messages.cpp', '  if (m.ballot.node != from) {\n    emit(CoreEventKind::MessageIgnored, from, "LeaseRenew', '  if (false) {\n    emit(CoreEventKind::MessageIgnored, from, "LeaseRenew', 'PaxosRules.ForeignAndMalformedMessagesAreIgnored'),
 ("paxos.PromiseForOtherBallot", P+'paxos_elector_messages.cpp', 'if (preparing == nullptr || m.ballot != preparing->ballot) {', 'if (preparing == nullptr) {', 'PaxosRules.RepliesForOtherBallotsAreIgnored'),
 ("paxos.AcceptedForOtherBallot", P+'paxos_elector_messages.cpp', 'if (accepting == nullptr || m.ballot != accepting->ballot) {', 'if (accepting == nullptr) {', 'PaxosRules.RepliesForOtherBallotsAreIgnored'),
 ("paxos.AckForOtherBallot", P+'paxos_elector_messages.cpp', 'if (leader == nullptr || m.ballot != leader->ballot) {\n    emit(CoreEventKind::MessageIgnored, from, "LeaseAck', 'if (leader == nullptr) {\n    emit(CoreEventKind::MessageIgnored, from, "LeaseAck', 'PaxosRules.RepliesForOtherBallotsAreIgnored'),
 ("paxos.SingleNodePhase1", P+'paxos_elector.cpp', '  if (preparing.tally.result() == raft::TallyResult::Won) {', '  if (false) {', 'PaxosRules.SingleNodeGroupLeadsAlone'),
 ("paxos.SingleNodePhase2", P+'paxos_elector.cpp', '  if (accepting.tally.result() == raft::TallyResult::Won) {', '  if (false) {', 'PaxosRules.SingleNodeGroupLeadsAlone'),
 # ---- ZAB (tests/core/zab_rules_test.cpp: FLE; zab_epoch_rules_test.cpp: phase 1, keep-alive) ----
 ("zab.InitialVoteCarriesEpoch", Z+'zab_elector_election.cpp', 'return Vote{hard_state_.term, 0, config_.id};', 'return Vote{0, 0, config_.id};', 'ZabRules.StartsLookingAndBroadcastsOwnVote:ZabRules.RestartKeepsEpochs:ZabRules.FollowerGoesLookingWithoutPing'),
 ("zab.NotificationsEarly", Z+'zab_elector_election.cpp', 'send_early(member, Notification{vote, round_, PeerState::Looking});', 'send(member, Notification{vote, round_, PeerState::Looking});', 'ZabRules.StartsLookingAndBroadcastsOwnVote'),
 ("zab.FirstTickBroadcasts", Z+'zab_elector.cpp', '    emit(CoreEventKind::CampaignStarted, kNoNode, "started", round_);\n    broadcast_notification(looking.proposal);', '    emit(CoreEventKind::CampaignStarted, kNoNode, "started", round_);', 'ZabRules.StartsLookingAndBroadcastsOwnVote'),
 ("zab.VoteOrderZxid", Z+'zab_elector_election.cpp', '  return theirs > ours;', '  return Vote{theirs.epoch, 0, theirs.leader} > Vote{ours.epoch, 0, ours.leader};', 'ZabRules.VoteOrderIsEpochThenZxidThenId'),
 ("zab.VoteOrderEpochFirst", Z+'zab_elector_election.cpp', '  return theirs > ours;', '  return Vote{0, theirs.zxid, theirs.leader} > Vote{0, ours.zxid, ours.leader};', 'ZabRules.VoteOrderIsEpochThenZxidThenId'),
 ("zab.AdoptBetterVote", Z+'zab_elector_election.cpp', '  } else if (better(m.vote, looking.proposal)) {\n    update_proposal(looking, m.vote);', '  } else if (better(m.vote, looking.proposal)) {', 'ZabRules.BetterVoteAdoptedAndRebroadcast:ZabRules.VoteOrderIsEpochThenZxidThenId'),
 ("zab.RebroadcastAdopted", Z+'zab_elector_election.cpp', '  looking.finalize_deadline_tick.reset();\n  broadcast_notification(vote);', '  looking.finalize_deadline_tick.reset();', 'ZabRules.BetterVoteAdoptedAndRebroadcast:ZabRules.HigherRoundResetsVotes'),
 ("zab.HigherRoundForgetsVotes", Z+'zab_elector_election.cpp', '    std::fill(looking.votes.begin(), looking.votes.end(), std::nullopt);\n', '', 'ZabRules.HigherRoundResetsVotes'),
 ("zab.HigherRoundJoined", Z+'zab_elector_election.cpp', '    round_ = m.election_round;\n    std::fill', '    std::fill', 'ZabRules.HigherRoundResetsVotes:ZabRules.HigherRoundWithBetterVoteAdoptsIt'),
 ("zab.HigherRoundKeepsBetterVote", Z+'zab_elector_election.cpp', 'update_proposal(looking, better(m.vote, mine) ? m.vote : mine);', 'update_proposal(looking, mine);', 'ZabRules.HigherRoundWithBetterVoteAdoptsIt'),
 ("zab.HigherRoundKeepsOwnIfBetter", Z+'zab_elector_election.cpp', 'update_proposal(looking, better(m.vote, mine) ? m.vote : mine);', 'update_proposal(looking, ((void)mine, m.vote));', 'ZabRules.HigherRoundResetsVotes'),
 ("zab.DecideNeedsQuorum", Z+'zab_elector_election.cpp', 'if (looking.proposal.leader == kNoNode || agree < quorum()) {', 'if (looking.proposal.leader == kNoNode || agree < 1) {', 'ZabRules.DecidesOnlyAfterQuorumAndFinalizeWait'),
 ("zab.FinalizeWait", Z+'zab_elector_election.cpp', 'looking.finalize_deadline_tick = now_ticks_ + config_.finalize_wait_ticks;', 'looking.finalize_deadline_tick = now_ticks_ + config_.finalize_wait_ticks / 2;', 'ZabRules.DecidesOnlyAfterQuorumAndFinalizeWait:ZabRules.BetterVoteDuringFinalizeWaitReopens'),
 ("zab.DecideAtFinalizeEnd", Z+'zab_elector.cpp', '    decide(looking.proposal, "quorum agreed and finalize wait passed");\n    return;', '    looking.finalize_deadline_tick.reset();', 'ZabRules.DecidesOnlyAfterQuorumAndFinalizeWait:ZabRules.DecidingForAnotherSendsFollowerInfo'),
 ("zab.ReorderedOlderVoteIgnored", Z+'zab_elector_election.cpp', '  } else if (looking.votes[index] && better(*looking.votes[index], m.vote)) {', '  } else if (false) {', 'ZabRules.ReorderedOlderVoteOfTheRoundIgnored'),
 ("zab.FollowerInfoSent", Z+'zab_elector.cpp', '  send(leader, FollowerInfo{hard_state_.epoch});', '', 'ZabRules.DecidingForAnotherSendsFollowerInfo:ZabRules.BetterVoteDuringFinalizeWaitReopens'),
 ("zab.FollowerInfoCarriesAccepted", Z+'zab_elector.cpp', '  send(leader, FollowerInfo{hard_state_.epoch});', '  send(leader, FollowerInfo{hard_state_.term});', 'ZabRules.DecidingForAnotherSendsFollowerInfo'),
 ("zab.BetterVoteReopens", Z+'zab_elector_election.cpp', '  looking.finalize_deadline_tick.reset();\n  broadcast_notification(vote);', '  broadcast_notification(vote);', 'ZabRules.BetterVoteDuringFinalizeWaitReopens'),
 ("zab.LaggingAnswered", Z+'zab_elector_election.cpp', '    reply_notification(from);\n    return;\n  } else if (looking.votes[index]', '    return;\n  } else if (looking.votes[index]', 'ZabRules.LaggingRoundAnswered'),
 ("zab.LaggingNotCounted", Z+'zab_elector_election.cpp', '  } else if (m.election_round < round_) {', '  } else if (false) {', 'ZabRules.LaggingRoundAnswered'),
 ("zab.NonLookerAnswers", Z+'zab_elector_election.cpp', '  // WorkerReceiver: a looker learns the established leader from the answers of non-lookers.\n  reply_notification(from);', '', 'ZabRules.NonLookingAnswersLookerWithItsState'),
 ("zab.AnswerCarriesState", Z+'zab_elector_election.cpp', 'send_early(to, Notification{current_vote(), round_, peer_state()});', 'send_early(to, Notification{current_vote(), round_, PeerState::Looking});', 'ZabRules.NonLookingAnswersLookerWithItsState'),
 ("zab.ClaimsNotAnswered", Z+'zab_elector_election.cpp', '  if (m.state != PeerState::Looking) {\n    // Only lookers', '  if (false) {\n    // Only lookers', 'ZabRules.NonLookingAnswersLookerWithItsState'),
 ("zab.ClaimsNeedQuorum", Z+'zab_elector_election.cpp', '  return agree >= quorum();', '  return agree >= 1;', 'ZabRules.NoFollowWithoutQuorumOfClaims'),
 ("zab.LeaderMustClaimLeading", Z+'zab_elector_election.cpp', 'if (!leader_claim || leader_claim->state != PeerState::Leading ||', 'if (!leader_claim ||', 'ZabRules.FollowsEstablishedLeaderOnQuorumOfClaims'),
 ("zab.JoinClaimedRound", Z+'zab_elector_election.cpp', '    round_ = m.election_round;\n    decide(m.vote', '    decide(m.vote', 'ZabRules.FollowsEstablishedLeaderOnQuorumOfClaims'),
 ("zab.FollowClaimedLeader", Z+'zab_elector_election.cpp', '    decide(m.vote, "quorum follows an established leader");\n    return;', '', 'ZabRules.FollowsEstablishedLeaderOnQuorumOfClaims'),
 ("zab.AnswerMissedVote", Z+'zab_elector_election.cpp', '    send_early(from, Notification{looking.proposal, round_, PeerState::Looking});\n', '', 'ZabRules.AnswersPeerThatMissedOurVote'),
 ("zab.AnswerOnlyPeersThatClaimed", Z+'zab_elector_election.cpp', '  } else if (looking.claims[index] && m.vote != looking.proposal) {', '  } else if (m.vote != looking.proposal) {', 'ZabRules.AnswersPeerThatMissedOurVote'),
 ("zab.ResendDoubles", Z+'zab_elector.cpp', 'std::min(looking.notification_timeout_ticks * 2, config_.notification_timeout_ticks_max);', 'std::min(looking.notification_timeout_ticks * 1, config_.notification_timeout_ticks_max);', 'ZabRules.ResendsVoteWithBackoff'),
 ("zab.ResendCapped", Z+'zab_elector.cpp', 'std::min(looking.notification_timeout_ticks * 2, config_.notification_timeout_ticks_max);', 'looking.notification_timeout_ticks * 2;', 'ZabRules.ResendsVoteWithBackoff'),
 ("zab.ResendFirstAtMin", Z+'zab_elector.cpp', '  looking.notification_timeout_ticks = config_.notification_timeout_ticks_min;\n  role_ = std::move(looking);', '  looking.notification_timeout_ticks = config_.notification_timeout_ticks_min + 1;\n  role_ = std::move(looking);', 'ZabRules.ResendsVoteWithBackoff'),
 ("zab.EpochAboveFollowers", Z+'zab_elector_epoch.cpp', '    if (a) max_accepted = std::max(max_accepted, *a);', '    (void)a;\n    max_accepted = std::max(max_accepted, hard_state_.epoch);', 'ZabRules.NewEpochIsMaxAcceptedPlusOne'),
 ("zab.EpochAboveOwn", Z+'zab_elector.cpp', '  prospective.accepted[self_index()] = hard_state_.epoch;', '  prospective.accepted[self_index()] = 0;', 'ZabRules.NewEpochIsMaxAcceptedPlusOne:ZabRules.RestartKeepsEpochs'),
 ("zab.EpochPlusOne", Z+'zab_elector_epoch.cpp', '  prospective.epoch = max_accepted + 1;', '  prospective.epoch = max_accepted + 2;', 'ZabRules.NewEpochIsMaxAcceptedPlusOne:ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.LeaderPersistsOwnEpoch", Z+'zab_elector_epoch.cpp', '  hard_state_.voted_for = config_.id;\n  persist();', '  hard_state_.voted_for = config_.id;', 'ZabRules.NewEpochIsMaxAcceptedPlusOne'),
 ("zab.NewEpochNotEarly", Z+'zab_elector_epoch.cpp', '      send(config_.members[i], NewEpoch{prospective.epoch});', '      send_early(config_.members[i], NewEpoch{prospective.epoch});', 'ZabRules.NewEpochIsMaxAcceptedPlusOne'),
 ("zab.CurrentEpochOnlyOnceEstablished", Z+'zab_elector_epoch.cpp', '  hard_state_.epoch = prospective.epoch;\n  hard_state_.voted_for = config_.id;', '  hard_state_.epoch = prospective.epoch;\n  hard_state_.term = prospective.epoch;\n  hard_state_.voted_for = config_.id;', 'ZabRules.NewEpochIsMaxAcceptedPlusOne'),
 ("zab.EpochNeedsQuorumOfInfo", Z+'zab_elector_epoch.cpp', '  if (connected < quorum()) return;', '  if (connected < 2) return;', 'ZabRules.NoEpochBeforeQuorumOfFollowerInfo'),
 ("zab.EarlyFollowerInfoKept", Z+'zab_elector_epoch.cpp', '    early_follower_infos_[index] = m.accepted_epoch;\n', '', 'ZabRules.EarlyFollowerInfoKeptWhileLooking'),
 ("zab.LeadNeedsQuorumOfAcks", Z+'zab_elector_epoch.cpp', '  if (acked >= quorum()) become_leader(prospective);', '  if (acked >= 2) become_leader(prospective);', 'ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.AckOfOtherEpochIgnored", Z+'zab_elector_epoch.cpp', 'if (p->epoch == 0 || m.epoch != p->epoch || !p->accepted[index]) {', 'if (p->epoch == 0 || !p->accepted[index]) {', 'ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.EstablishedEpochPersisted", Z+'zab_elector.cpp', '  hard_state_.term = leading.epoch;\n  persist();', '  hard_state_.term = leading.epoch;', 'ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.GainedLeadership", Z+'zab_elector.cpp', '  output_.leadership.push_back(LeadershipChange{true, epoch, epoch});', '', 'ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.PingAtOnce", Z+'zab_elector.cpp', '    if (l.followers[i]) send_ping(config_.members[i], epoch);', '    (void)l;', 'ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.FenceIsEpoch", Z+'zab_elector.cpp', '    s.fence_token = l->epoch;', '    s.fence_token = hard_state_.epoch + 1;', 'ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.NoLease", Z+'zab_elector.cpp', '  s.lease_valid = false;', '  s.lease_valid = true;', 'ZabRules.LeaderOnlyAfterQuorumAckEpoch'),
 ("zab.ProspectiveTimeout", Z+'zab_elector.cpp', '  prospective.deadline_tick = now_ticks_ + config_.epoch_timeout_ticks;', '  prospective.deadline_tick = now_ticks_ + config_.epoch_timeout_ticks + 1;', 'ZabRules.ProspectiveLeaderTimesOut'),
 ("zab.ProspectiveTimeoutLooks", Z+'zab_elector.cpp', '    start_looking("no quorum for the new epoch");', '', 'ZabRules.ProspectiveLeaderTimesOut'),
 ("zab.FollowerPersistsAccepted", Z+'zab_elector_epoch.cpp', '    hard_state_.voted_for = from;\n    persist();', '    hard_state_.voted_for = from;', 'ZabRules.AcceptedEpochPersistedBeforeAckEpoch'),
 ("zab.AckedEpochIsCurrent", Z+'zab_elector_epoch.cpp', '    hard_state_.term = m.epoch;\n    hard_state_.voted_for = from;', '    hard_state_.voted_for = from;', 'ZabRules.AcceptedEpochPersistedBeforeAckEpoch'),
 ("zab.AckEpochNotEarly", Z+'zab_elector_epoch.cpp', '  send(from, AckEpoch{m.epoch});', '  send_early(from, AckEpoch{m.epoch});', 'ZabRules.AcceptedEpochPersistedBeforeAckEpoch'),
 ("zab.EstablishedByPing", Z+'zab_elector_epoch.cpp', '    f->established = true;\n', '', 'ZabRules.AcceptedEpochPersistedBeforeAckEpoch'),
 ("zab.PingAcked", Z+'zab_elector_epoch.cpp', '  send(from, PingAck{m.epoch});', '', 'ZabRules.AcceptedEpochPersistedBeforeAckEpoch'),
 ("zab.LeaderShownOnlyOnceEstablished", Z+'zab_elector.cpp', 'f != nullptr && f->established) {', 'f != nullptr) {', 'ZabRules.AcceptedEpochPersistedBeforeAckEpoch:ZabRules.DecidingForAnotherSendsFollowerInfo'),
 ("zab.RefuseEpochNotAbove", Z+'zab_elector_epoch.cpp', '  if (m.epoch > hard_state_.epoch) {', '  if (m.epoch >= hard_state_.epoch) {', 'ZabRules.FollowerRefusesNewEpochNotAboveAccepted:ZabRules.RestartKeepsEpochs'),
 ("zab.RepeatOnlyFromSameLeader", Z+'zab_elector_epoch.cpp', '} else if (m.epoch != hard_state_.epoch || hard_state_.voted_for != from) {', '} else if (m.epoch != hard_state_.epoch) {', 'ZabRules.FollowerRefusesNewEpochNotAboveAccepted:ZabRules.RestartKeepsEpochs'),
 ("zab.RefusalLooks", Z+'zab_elector_epoch.cpp', '    start_looking("leader proposed a stale epoch");', '', 'ZabRules.FollowerRefusesNewEpochNotAboveAccepted'),
 ("zab.NewEpochOnlyFromLeader", Z+'zab_elector_epoch.cpp', '  if (f == nullptr || from != f->leader) {', '  if (f == nullptr) {', 'ZabRules.FollowerIgnoresNewEpochFromOthers'),
 ("zab.FollowerEpochTimeout", Z+'zab_elector.cpp', 'role_ = Following{leader, 0, false, now_ticks_ + config_.epoch_timeout_ticks};', 'role_ = Following{leader, 0, false, now_ticks_ + config_.epoch_timeout_ticks + 1};', 'ZabRules.FollowerEpochTimeout'),
 ("zab.LateFollowerGetsEpoch", Z+'zab_elector_epoch.cpp', '    send(from, NewEpoch{l->epoch});\n    return;', '    return;', 'ZabRules.LateFollowerJoinsEstablishedLeader'),
 ("zab.LateAckPinged", Z+'zab_elector_epoch.cpp', '    send_ping(from, l->epoch);\n    return;', '    return;', 'ZabRules.LateFollowerJoinsEstablishedLeader'),
 ("zab.PingInterval", Z+'zab_elector.cpp', '++leading.heartbeat_elapsed_ticks < config_.heartbeat_interval_ticks', '++leading.heartbeat_elapsed_ticks <= config_.heartbeat_interval_ticks', 'ZabRules.LateFollowerJoinsEstablishedLeader'),
 ("zab.NewerAcceptedEpochDeposes", Z+'zab_elector_epoch.cpp', '    if (m.accepted_epoch > l->epoch) {', '    if (false) {', 'ZabRules.LeaderStepsDownOnNewerAcceptedEpoch'),
 ("zab.SyncLimit", Z+'zab_elector.cpp', '  if (recent < quorum()) {', '  if (false) {', 'ZabRules.LeaderStepsDownWithoutQuorumPingAcks'),
 ("zab.SyncLimitLength", Z+'zab_elector.cpp', 'now_ticks_ - *last <= config_.leader_timeout_ticks_min', 'now_ticks_ - *last <= config_.leader_timeout_ticks_min + 1', 'ZabRules.LeaderStepsDownWithoutQuorumPingAcks'),
 ("zab.PingAckRecorded", Z+'zab_elector_epoch.cpp', '  l->last_ack_tick[index_of(from)] = now_ticks_;', '', 'ZabRules.LeaderStepsDownWithoutQuorumPingAcks'),
 ("zab.StepDownReportsLoss", Z+'zab_elector.cpp', '    output_.leadership.push_back(LeadershipChange{false, l->epoch, l->epoch});\n', '', 'ZabRules.LeaderStepsDownWithoutQuorumPingAcks:ZabRules.LeaderStepsDownOnNewerAcceptedEpoch:ZabRules.ResignStepsDownAndDoesNotVoteForItself'),
 ("zab.PingRestartsTimer", Z+'zab_elector_epoch.cpp', '  f->deadline_tick = now_ticks_ + random_leader_timeout_ticks();', '  f->deadline_tick = now_ticks_ + config_.leader_timeout_ticks_max + 1;', 'ZabRules.FollowerGoesLookingWithoutPing'),
 ("zab.FollowerTimeoutLooks", Z+'zab_elector.cpp', '    emit(CoreEventKind::ElectionTimeout, f->leader, why);\n    start_looking(why);', '    emit(CoreEventKind::ElectionTimeout, f->leader, why);\n    f->deadline_tick = now_ticks_ + 1000;', 'ZabRules.FollowerGoesLookingWithoutPing:ZabRules.FollowerEpochTimeout'),
 ("zab.FollowerLooksWithLeader", Z+'zab_elector_election.cpp', '(m.election_round > round_ || (f->established && m.vote != decided_vote_))', '(false)', 'ZabRules.FollowerLooksWhenItsLeaderLooks'),
 ("zab.DelayedLeaderVoteIgnored", Z+'zab_elector_election.cpp', '(m.election_round > round_ || (f->established && m.vote != decided_vote_))', '(m.election_round >= round_)', 'ZabRules.FollowerLooksWhenItsLeaderLooks'),
 ("zab.LookerHandlesLeaderVote", Z+'zab_elector_election.cpp', '    start_looking("leader is LOOKING");\n    on(from, m);', '    start_looking("leader is LOOKING");', 'ZabRules.FollowerLooksWhenItsLeaderLooks'),
 ("zab.Restore", Z+'zab_elector.cpp', 'hard_state_(restored)', 'hard_state_(((void)restored, HardState{}))', 'ZabRules.RestartKeepsEpochs:ZabRules.StartsLookingAndBroadcastsOwnVote'),
 ("zab.ResignedVotesForNobody", Z+'zab_elector_election.cpp', '  if (!can_stand()) return Vote{};\n', '', 'ZabRules.ResignStepsDownAndDoesNotVoteForItself'),
 ("zab.ResignedRefusesVotesForItself", Z+'zab_elector_election.cpp', '  if (theirs.leader == config_.id && !can_stand()) return false;\n', '', 'ZabRules.ResignStepsDownAndDoesNotVoteForItself'),
 ("zab.ResignHold", Z+'zab_elector.cpp', 'resign_hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;', 'resign_hold_until_tick_ = now_ticks_;', 'ZabRules.ResignStepsDownAndDoesNotVoteForItself'),
 ("zab.ResignNeedsLeader", Z+'zab_elector.cpp', '  if (!std::holds_alternative<Leading>(role_)) return RequestResult::NotLeader;\n', '', 'ZabRules.ResignStepsDownAndDoesNotVoteForItself'),
 ("zab.StandAfterHold", Z+'zab_elector.cpp', '  if (looking.proposal.leader == kNoNode && can_stand()) {', '  if (false) {', 'ZabRules.ResignStepsDownAndDoesNotVoteForItself'),
 ("zab.NoTransfer", Z+'zab_elector.cpp', '  return RequestResult::NotSupported;', '  return RequestResult::Ok;', 'ZabRules.TransferNotSupported'),
 ("zab.ForeignIgnored", Z+'zab_elector.hpp', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");', '    emit(CoreEventKind::MessageIgnored, from, "message of another algorithm");\n    start_looking("foreign");', 'ZabRules.ForeignMessagesIgnored'),
 ("zab.NonMemberIgnored", Z+'zab_elector_election.cpp', '  if (index_of(envelope.from) == kNotMember) {', '  if (false) {', 'ZabRules.ForeignMessagesIgnored'),
 ("zab.SelfIgnored", Z+'zab_elector_election.cpp', '  if (envelope.from == config_.id) {', '  if (false) {', 'ZabRules.ForeignMessagesIgnored'),
 ("zab.CloneCopiesState", Z+'zab_elector.hpp', 'return std::make_unique<ZabElector>(*this);', 'return std::make_unique<ZabElector>(config_, hard_state_, rng_);', 'ZabRules.CopiesAreIndependent'),
 # ---- Lease recipe (tests/core/lease_rules_test.cpp) ----
 ("lease.SessionFirst", L+'lease_elector.cpp', '  if (!on_hold() && !session_.started()) session_.start(now_ticks_, output_.messages);\n', '', 'LeaseRules.EveryCandidateRequestsASessionFirst'),
 ("lease.PutNeedsLiveLease", L+'lease_elector.cpp', '    if (!session_.valid_at(now_ticks_)) return;  // a Put needs a live lease\n', '', 'LeaseRules.EveryCandidateRequestsASessionFirst'),
 ("lease.PutExpectsAbsent", L+'lease_elector.cpp', 'send(store::Put{put_request_, config_.key, config_.id, session_.lease(), 0});', 'send(store::Put{put_request_, config_.key, config_.id, session_.lease(), 1});', 'LeaseRules.CasAcquireWithExpectAbsent:LeaseRules.OnlyOneOfTwoConcurrentCandidatesWins'),
 ("lease.PutBindsSessionLease", L+'lease_elector.cpp', 'send(store::Put{put_request_, config_.key, config_.id, session_.lease(), 0});', 'send(store::Put{put_request_, config_.key, config_.id, 0, 0});', 'LeaseRules.CasAcquireWithExpectAbsent:LeaseRules.OnlyOneOfTwoConcurrentCandidatesWins'),
 ("lease.GainedLeadershipToken", L+'lease_elector.cpp', 'LeadershipChange{true, entry.create_revision, entry.create_revision}', 'LeadershipChange{true, entry.create_revision, 0}', 'LeaseRules.CasAcquireWithExpectAbsent:LeaseRules.SteppedDownHolderReclaimsOnlyAfterReReadShowsItHolder'),
 ("lease.OwnEntryLeads", L+'lease_elector_messages.cpp', '      become_leader(entry);\n', '', 'LeaseRules.CasAcquireWithExpectAbsent:LeaseRules.OnlyOneOfTwoConcurrentCandidatesWins'),
 ("lease.OwnEntryNeedsOwnLease", L+'lease_elector.cpp', 'return entry.owner == config_.id && entry.lease != 0 && entry.lease == session_.lease();', 'return entry.owner == config_.id && entry.lease != 0;', 'LeaseRules.EntryOfAnEarlierSessionIsNotOurs'),
 ("lease.LoserWatches", L+'lease_elector.cpp', '  send(store::Watch{session_.next_request_id(), config_.key, holder.create_revision});\n}', '}', 'LeaseRules.OnlyOneOfTwoConcurrentCandidatesWins:LeaseRules.LoserFollowsAndWatchesTheHolder'),
 ("lease.WatchTheHoldersEntry", L+'lease_elector.cpp', '  send(store::Watch{session_.next_request_id(), config_.key, holder.create_revision});\n}', '  send(store::Watch{session_.next_request_id(), config_.key, 0});\n}', 'LeaseRules.LoserFollowsAndWatchesTheHolder'),
 ("lease.LoserFollows", L+'lease_elector_messages.cpp', '  step_down("another entry holds the key");\n  follow(entry);', '  step_down("another entry holds the key");', 'LeaseRules.LoserFollowsAndWatchesTheHolder:LeaseRules.OnlyOneOfTwoConcurrentCandidatesWins'),
 ("lease.HolderKeepsSessionAlive", L+'lease_elector.cpp', '  session_.tick(now_ticks_, output_.messages);\n', '', 'LeaseRules.HolderRenewsAtOneThirdTtl'),
 ("lease.RenewFraction", L+'lease_elector.cpp', '  s.renew_fraction = c.renew_fraction;', '  s.renew_fraction = c.renew_fraction / 2;', 'LeaseRules.HolderRenewsAtOneThirdTtl'),
 ("lease.ValidityEndStepsDown", L+'lease_elector.cpp', '    if (session_.valid_at(now_ticks_)) return;\n    // Chubby', '    if (session_.valid_at(now_ticks_) || true) return;\n    // Chubby', 'LeaseRules.HolderStepsDownAtLocalValidityEndWhenStoreUnreachable:LeaseRules.SteppedDownHolderReclaimsOnlyAfterReReadShowsItHolder'),
 ("lease.SteppedDownReReadsAtOnce", L+'lease_elector.cpp', '    role_ = Following{entry, now_ticks_};\n  }', '    role_ = Following{entry, now_ticks_ + 1};\n  }', 'LeaseRules.HolderStepsDownAtLocalValidityEndWhenStoreUnreachable'),
 ("lease.DriftPassedOn", L+'lease_elector.cpp', '  s.max_clock_drift = c.max_clock_drift;', '  s.max_clock_drift = c.max_clock_drift / 10;', 'LeaseRules.HolderStepsDownAtLocalValidityEndWhenStoreUnreachable'),
 ("lease.ConfirmedSessionReReads", L+'lease_elector_messages.cpp', '    f->next_read_tick = now_ticks_;', '', 'LeaseRules.SteppedDownHolderReclaimsOnlyAfterReReadShowsItHolder'),
 ("lease.ReclaimOnlyAfterReRead", L+'lease_elector_messages.cpp', '    f->next_read_tick = now_ticks_;', '    become_leader(f->holder);', 'LeaseRules.SteppedDownHolderReclaimsOnlyAfterReReadShowsItHolder'),
 ("lease.SessionLostStepsDown", L+'lease_elector_messages.cpp', '    if (std::holds_alternative<Leading>(role_) || held.owner == config_.id) {', '    if ((void)held, false) {', 'LeaseRules.SessionLostStepsDownAtOnce'),
 ("lease.HolderEntryIsNotFree", L+'lease_elector_messages.cpp', '  if (entry.create_revision == 0) {\n    step_down("the key is gone");', '  if (entry.create_revision == 0 || entry.owner != config_.id) {\n    step_down("the key is gone");', 'LeaseRules.NonHolderNeverPutsWhileTheHolderStands'),
 ("lease.AcquireJitter", L+'lease_elector_messages.cpp', 'seek(on_hold() ? retry_ticks() : jitter_ticks(), "the holder\'s entry was deleted");', 'seek(on_hold() ? retry_ticks() : 0, "the holder\'s entry was deleted");', 'LeaseRules.WatchEventTriggersPutAfterSmallRandomDelay'),
 ("lease.AcquireDelaySmall", L+'lease_elector_messages.cpp', 'seek(on_hold() ? retry_ticks() : jitter_ticks(), "the holder\'s entry was deleted");', 'seek(retry_ticks(), "the holder\'s entry was deleted");', 'LeaseRules.WatchEventTriggersPutAfterSmallRandomDelay'),
 ("lease.WatchOfOtherEntryIgnored", L+'lease_elector_messages.cpp', 'if (held.create_revision == 0 || m.create_revision != held.create_revision) {', 'if (held.create_revision == 0) {', 'LeaseRules.WatchEventOfAnotherEntryIgnored'),
 ("lease.WatchOfOtherKeyIgnored", L+'lease_elector_messages.cpp', '  if (m.key != config_.key) {\n    emit(CoreEventKind::MessageIgnored, config_.store, "watch event of another key");', '  if (false) {\n    emit(CoreEventKind::MessageIgnored, config_.store, "watch event of another key");', 'LeaseRules.IgnoresMessagesNotFromTheStoreOrNotItsOwn'),
 ("lease.PeriodicReRead", L+'lease_elector.cpp', '  f.next_read_tick = now_ticks_ + retry_ticks();', '  f.next_read_tick = now_ticks_ + 1000;', 'LeaseRules.LostWatchRecoveredByReRead'),
 ("lease.FirstReReadAfterRetry", L+'lease_elector.cpp', '  role_ = Following{holder, now_ticks_ + retry_ticks()};', '  role_ = Following{holder, now_ticks_ + retry_ticks() + 100};', 'LeaseRules.LostWatchRecoveredByReRead'),
 ("lease.ReReadReArmsWatch", L+'lease_elector.cpp', '  if (holder.create_revision != 0) {\n    send(store::Watch', '  if (false) {\n    send(store::Watch', 'LeaseRules.LostWatchRecoveredByReRead'),
 ("lease.ResignRevokes", L+'lease_elector.cpp', '  session_.revoke(output_.messages);\n', '', 'LeaseRules.ResignReleasesAtOnceAndHoldsOff'),
 ("lease.ResignHold", L+'lease_elector.cpp', 'hold_until_tick_ = now_ticks_ + config_.resign_hold_ticks;', 'hold_until_tick_ = now_ticks_;', 'LeaseRules.ResignReleasesAtOnceAndHoldsOff'),
 ("lease.NoSessionDuringHold", L+'lease_elector.cpp', 'if (!on_hold() && !session_.started())', 'if (!session_.started())', 'LeaseRules.ResignReleasesAtOnceAndHoldsOff'),
 ("lease.ResignReportsLoss", L+'lease_elector.cpp', '  step_down("resigned");\n', '', 'LeaseRules.ResignReleasesAtOnceAndHoldsOff'),
 ("lease.ResignNeedsLeadership", L+'lease_elector.cpp', '  if (!std::holds_alternative<Leading>(role_)) return RequestResult::NotLeader;\n', '', 'LeaseRules.ResignNeedsLeadershipTransferUnsupported'),
 ("lease.NoTransfer", L+'lease_elector.cpp', '  return RequestResult::NotSupported;', '  return RequestResult::Ok;', 'LeaseRules.ResignNeedsLeadershipTransferUnsupported'),
 ("lease.FenceIsRevisionNotLease", L+'lease_elector.cpp', '    s.fence_token = l->entry.create_revision;', '    s.fence_token = l->entry.lease;', 'LeaseRules.FenceTokenIsAcquiringRevisionAndGrowsAcrossHolders:LeaseRules.CasAcquireWithExpectAbsent'),
 ("lease.Restore", L+'lease_elector.cpp', '      hard_state_(restored),', '      hard_state_(((void)restored, HardState{})),', 'LeaseRules.RestartKeepsTokenMonotonic'),
 ("lease.TermIsMaxTokenSeen", L+'lease_elector.cpp', '  s.term = hard_state_.term;', '  s.term = 0;', 'LeaseRules.RestartKeepsTokenMonotonic'),
 ("lease.TokenSeenNoted", L+'lease_elector_messages.cpp', '  note_token(entry.create_revision);\n  if (entry.create_revision == 0) {', '  if (entry.create_revision == 0) {', 'LeaseRules.TokensSeenArePersisted'),
 ("lease.TokenPersisted", L+'lease_elector.cpp', '  hard_state_.term = token;\n  output_.hard_state = hard_state_;', '  hard_state_.term = token;', 'LeaseRules.TokensSeenArePersisted'),
 ("lease.OldPutAnswerIgnored", L+'lease_elector_messages.cpp', 'if (m.request == 0 || m.request != put_request_ || m.key != config_.key) {', 'if (m.request == 0 || m.key != config_.key) {', 'LeaseRules.AnswersToOldRequestsIgnored'),
 ("lease.OldGetAnswerIgnored", L+'lease_elector_messages.cpp', 'if (m.request == 0 || m.request != get_request_ || m.key != config_.key) {', 'if (m.request == 0 || m.key != config_.key) {', 'LeaseRules.AnswersToOldRequestsIgnored'),
 ("lease.PutRetried", L+'lease_elector.cpp', 'if (put_request_ != 0 && now_ticks_ < put_sent_tick_ + config_.request_timeout_ticks) return;', 'if (put_request_ != 0) return;', 'LeaseRules.AnswersToOldRequestsIgnored'),
 ("lease.RefusedPutBacksOff", L+'lease_elector_messages.cpp', '  if (!m.succeeded && m.entry.create_revision == 0) {', '  if (false) {', 'LeaseRules.PutRefusedOnFreeKeyBacksOff'),
 ("lease.RefusedPutWaitsRetry", L+'lease_elector_messages.cpp', 'seek(retry_ticks(), "Put refused: lease not alive on the store");', 'seek(1, "Put refused: lease not alive on the store");', 'LeaseRules.PutRefusedOnFreeKeyBacksOff'),
 ("lease.OnlyTheStoreCounts", L+'lease_elector_messages.cpp', '  if (envelope.from != config_.store) {', '  if (false) {', 'LeaseRules.IgnoresMessagesNotFromTheStoreOrNotItsOwn'),
 ("lease.ForeignIgnored", L+'lease_elector.hpp', '    emit(CoreEventKind::MessageIgnored, config_.store, "not a lease-recipe answer");', '    emit(CoreEventKind::MessageIgnored, config_.store, "not a lease-recipe answer");\n    seek(0, "foreign");', 'LeaseRules.IgnoresMessagesNotFromTheStoreOrNotItsOwn'),
 ("lease.ResignedOnlyReads", L+'lease_elector.cpp', '    if (on_hold()) {\n      // Resigned', '    if (false) {\n      // Resigned', 'LeaseRules.ResignReleasesAtOnceAndHoldsOff'),
 # ---- Ephemeral-sequential recipe (tests/core/sequential_rules_test.cpp) ----
 ("sequential.SessionOnFirstTick", S+'sequential_elector.cpp', '  if (!session_.started()) join("joining the queue");\n', '', 'SequentialRules.CreatesItsEntryOnlyWithALiveSession'),
 ("sequential.CreateAfterGrant", S+'sequential_elector_messages.cpp', '  if (auto* joining = std::get_if<Joining>(&role_)) send_create(*joining);', '', 'SequentialRules.CreatesItsEntryOnlyWithALiveSession:SequentialRules.OwnEntryGoneStartsOver'),
 ("sequential.CreateNotBeforeGrant", S+'sequential_elector.cpp', '  session_.start(now_ticks_, output_.messages);\n}', '  session_.start(now_ticks_, output_.messages);\n  send_create(std::get<Joining>(role_));\n}', 'SequentialRules.CreatesItsEntryOnlyWithALiveSession'),
 ("sequential.CreateBindsLease", S+'sequential_elector.cpp', 'send(store::Create{joining.create_request, config_.prefix, config_.id, session_.lease()});', 'send(store::Create{joining.create_request, config_.prefix, config_.id, 0});', 'SequentialRules.CreatesItsEntryOnlyWithALiveSession:SequentialRules.OwnEntryGoneStartsOver'),
 ("sequential.SessionTtl", S+'sequential_elector.cpp', '  s.ttl_ms = c.session_ttl_ms;\n', '', 'SequentialRules.CreatesItsEntryOnlyWithALiveSession'),
 ("sequential.LowestLeads", S+'sequential_elector.cpp', '    become_leader(own);\n    return;', '    return;', 'SequentialRules.LowestEntryLeads:SequentialRules.WakeUpRechecksAndWatchesAnEarlierLiveEntry'),
 ("sequential.GainedLeadership", S+'sequential_elector.cpp', '  output_.leadership.push_back(LeadershipChange{true, own.create_revision, own.create_revision});\n', '', 'SequentialRules.LowestEntryLeads'),
 ("sequential.FenceIsSequence", S+'sequential_elector.cpp', '    s.fence_token = l->own.create_revision;', '    s.fence_token = l->own.lease;', 'SequentialRules.LowestEntryLeads:SequentialRules.WakeUpRechecksAndWatchesAnEarlierLiveEntry'),
 ("sequential.LeaseValidReported", S+'sequential_elector.cpp', '    s.lease_valid = session_.valid_at(now_ticks_);', '    s.lease_valid = false;', 'SequentialRules.LowestEntryLeads:SequentialRules.LeaderStepsDownAtLocalValidityEndWhenStoreUnreachable'),
 ("sequential.LeadOnlyWithValidSession", S+'sequential_elector.cpp', '    if (!session_.valid_at(now_ticks_)) {\n      // The store', '    if (false) {\n      // The store', 'SequentialRules.LowestEntryLeadsOnlyWithASurelyValidSession'),
 ("sequential.WatchPredecessorNotLeader", S+'sequential_elector.cpp', '                    waiting.predecessor.create_revision});', '                    waiting.lowest.create_revision});', 'SequentialRules.WaiterWatchesOnlyItsPredecessor:SequentialRules.LeaderDeathWakesExactlyOneWaiter:SequentialRules.SilentWatchIsReArmedAfterRecheckTicks'),
 ("sequential.LeaderIsLowest", S+'sequential_elector.cpp', '    s.leader = w->lowest.owner;', '    s.leader = w->predecessor.owner;', 'SequentialRules.WaiterWatchesOnlyItsPredecessor'),
 ("sequential.WakeUpRechecks", S+'sequential_elector_messages.cpp', '  send_check(*waiting);\n}', '  place(waiting->own, {}, waiting->lowest);\n}', 'SequentialRules.WakeUpRechecksAndWatchesAnEarlierLiveEntry:SequentialRules.LeaderDeathWakesExactlyOneWaiter'),
 ("sequential.WatchTheNewPredecessor", S+'sequential_elector_messages.cpp', '  place(waiting->own, m.predecessor, m.lowest);', '  place(waiting->own, m.predecessor.create_revision == 0 ? m.predecessor : waiting->predecessor, m.lowest);', 'SequentialRules.WakeUpRechecksAndWatchesAnEarlierLiveEntry'),
 ("sequential.RecheckOwnSequence", S+'sequential_elector.cpp', 'send(store::Predecessor{waiting.check_request, config_.prefix, waiting.own.create_revision});', 'send(store::Predecessor{waiting.check_request, config_.prefix, waiting.predecessor.create_revision});', 'SequentialRules.WakeUpRechecksAndWatchesAnEarlierLiveEntry:SequentialRules.UnansweredRequestsAreRetried'),
 ("sequential.EventOfOtherEntryIgnored", S+'sequential_elector_messages.cpp', 'if (waiting == nullptr || m.key != config_.prefix ||\n      m.create_revision != waiting->predecessor.create_revision) {', 'if (waiting == nullptr || m.key != config_.prefix) {', 'SequentialRules.EventForAnotherEntryIsIgnored'),
 ("sequential.OwnEntryGone", S+'sequential_elector_messages.cpp', '  if (!m.exists) {', '  if (false) {', 'SequentialRules.OwnEntryGoneStartsOver'),
 ("sequential.StartOverNewSession", S+'sequential_elector.cpp', '  if (revoke) session_.revoke(output_.messages);\n', '  (void)revoke;\n', 'SequentialRules.OwnEntryGoneStartsOver:SequentialRules.LeaderStepsDownAtLocalValidityEndWhenStoreUnreachable'),
 ("sequential.SessionLossStepsDown", S+'sequential_elector_messages.cpp', '    start_over("store says the session expired", false);', '', 'SequentialRules.SessionLossStepsTheLeaderDown'),
 ("sequential.SessionLossNoRevoke", S+'sequential_elector_messages.cpp', '    start_over("store says the session expired", false);', '    start_over("store says the session expired", true);', 'SequentialRules.SessionLossStepsTheLeaderDown'),
 ("sequential.ValidityEndStepsDown", S+'sequential_elector.cpp', '  if (session_.lease() != 0 && !session_.valid_at(now_ticks_)) {', '  if (false) {', 'SequentialRules.LeaderStepsDownAtLocalValidityEndWhenStoreUnreachable'),
 ("sequential.ValidityEndRevokes", S+'sequential_elector.cpp', '    start_over("session validity ran out without renewal", true);', '    start_over("session validity ran out without renewal", false);', 'SequentialRules.LeaderStepsDownAtLocalValidityEndWhenStoreUnreachable'),
 ("sequential.DriftPassedOn", S+'sequential_elector.cpp', '  s.max_clock_drift = c.max_clock_drift;\n', '', 'SequentialRules.LocalValidityIsShrunkByTheDriftBoundAndMargin'),
 ("sequential.MarginPassedOn", S+'sequential_elector.cpp', 'std::ceil(static_cast<double>(c.safety_margin_ms) / c.tick_ms)', 'std::ceil(0.0 * static_cast<double>(c.safety_margin_ms) / c.tick_ms)', 'SequentialRules.LocalValidityIsShrunkByTheDriftBoundAndMargin'),
 ("sequential.UnsafeSwitchPassedOn", S+'sequential_elector.cpp', '  s.ignore_drift = c.unsafe_ignore_drift;\n', '', 'SequentialRules.LocalValidityIsShrunkByTheDriftBoundAndMargin'),
 ("sequential.TickLengthPassedOn", S+'sequential_elector.cpp', '  s.tick_ms = c.tick_ms;\n', '', 'SequentialRules.LocalValidityIsShrunkByTheDriftBoundAndMargin'),
 ("sequential.SessionKeptAlive", S+'sequential_elector.cpp', '  session_.tick(now_ticks_, output_.messages);\n', '', 'SequentialRules.KeepAliveExtendsValidityFromItsSendTick:SequentialRules.SessionLossStepsTheLeaderDown:SequentialRules.UnansweredRequestsAreRetried'),
 ("sequential.RenewFractionPassedOn", S+'sequential_elector.cpp', '  s.renew_fraction = c.renew_fraction;', '  s.renew_fraction = c.renew_fraction / 2;', 'SequentialRules.KeepAliveExtendsValidityFromItsSendTick'),
 ("sequential.ReArmAfterRecheckTicks", S+'sequential_elector.cpp', '  waiting.rearm_tick = now_ticks_ + config_.recheck_ticks;', '  waiting.rearm_tick = now_ticks_ + config_.recheck_ticks + 1;', 'SequentialRules.SilentWatchIsReArmedAfterRecheckTicks'),
 ("sequential.ReArmWatch", S+'sequential_elector.cpp', '      watch(*waiting);\n', '', 'SequentialRules.SilentWatchIsReArmedAfterRecheckTicks:SequentialRules.LostWatchEventIsRecoveredByTheRecheck'),
 ("sequential.CreateRetried", S+'sequential_elector.cpp', 'now_ticks_ >= joining->create_sent_tick + config_.request_timeout_ticks) {', 'now_ticks_ >= joining->create_sent_tick + 2 * config_.request_timeout_ticks) {', 'SequentialRules.UnansweredRequestsAreRetried'),
 ("sequential.RecheckRetried", S+'sequential_elector.cpp', 'now_ticks_ >= waiting->check_sent_tick + config_.request_timeout_ticks) {', 'now_ticks_ >= waiting->check_sent_tick + 2 * config_.request_timeout_ticks) {', 'SequentialRules.UnansweredRequestsAreRetried'),
 ("sequential.StaleGrantIgnored", S+'sequential_elector_messages.cpp', '  if (session_.on(m, output_.messages) != store_client::SessionChange::Granted) {', '  if (session_.on(m, output_.messages) == store_client::SessionChange::Lost) {', 'SequentialRules.UnansweredRequestsAreRetried:SequentialRules.ForeignAndStaleMessagesAreIgnored'),
 ("sequential.FollowerLearnsToken", S+'sequential_elector.cpp', '  note_token(lowest.create_revision);\n  if (predecessor.create_revision == 0) {', '  if (predecessor.create_revision == 0) {', 'SequentialRules.FenceTokenIsTheSequenceAndGrowsAcrossLeaders:SequentialRules.HardStateKeepsTheLargestTokenSeen:SequentialRules.WaiterWatchesOnlyItsPredecessor'),
 ("sequential.TokenPersisted", S+'sequential_elector.cpp', '  hard_state_.term = token;\n  persist();', '  hard_state_.term = token;', 'SequentialRules.HardStateKeepsTheLargestTokenSeen:SequentialRules.LowestEntryLeads'),
 ("sequential.PersistOnlyGrowth", S+'sequential_elector.cpp', '  if (token <= hard_state_.term) return;', '  if (token < hard_state_.term) return;', 'SequentialRules.HardStateKeepsTheLargestTokenSeen'),
 ("sequential.Restore", S+'sequential_elector.cpp', '      hard_state_(restored),', '      hard_state_(((void)restored, HardState{})),', 'SequentialRules.HardStateKeepsTheLargestTokenSeen'),
 ("sequential.ResignRevokes", S+'sequential_elector.cpp', '  session_.revoke(output_.messages);\n  step_down("resigned");', '  step_down("resigned");', 'SequentialRules.ResignRevokesHoldsAndRequeues'),
 ("sequential.ResignReportsLoss", S+'sequential_elector.cpp', '  session_.revoke(output_.messages);\n  step_down("resigned");', '  session_.revoke(output_.messages);', 'SequentialRules.ResignRevokesHoldsAndRequeues'),
 ("sequential.ResignHold", S+'sequential_elector.cpp', '  role_ = Held{now_ticks_ + config_.resign_hold_ticks};', '  role_ = Held{now_ticks_};', 'SequentialRules.ResignRevokesHoldsAndRequeues'),
 ("sequential.RejoinAtHoldEnd", S+'sequential_elector.cpp', '    if (now_ticks_ >= held->until_tick) {', '    if (now_ticks_ > held->until_tick) {', 'SequentialRules.ResignRevokesHoldsAndRequeues'),
 ("sequential.ResignNeedsLeadership", S+'sequential_elector.cpp', '  if (!std::holds_alternative<Leader>(role_)) return RequestResult::NotLeader;\n', '', 'SequentialRules.ResignNeedsLeadershipAndTransferIsNotSupported'),
 ("sequential.NoTransfer", S+'sequential_elector.cpp', '  return RequestResult::NotSupported;', '  return RequestResult::Ok;', 'SequentialRules.ResignNeedsLeadershipAndTransferIsNotSupported'),
 ("sequential.OnlyTheStoreCounts", S+'sequential_elector_messages.cpp', '  if (envelope.from != config_.store) {', '  if (false) {', 'SequentialRules.ForeignAndStaleMessagesAreIgnored'),
 ("sequential.ForeignIgnored", S+'sequential_elector.hpp', '                         : "message of another algorithm");', '                         : "message of another algorithm");\n    join("foreign");', 'SequentialRules.ForeignAndStaleMessagesAreIgnored'),
 ("sequential.StaleRecheckAnswerIgnored", S+'sequential_elector_messages.cpp', 'if (waiting == nullptr || m.request != waiting->check_request || m.prefix != config_.prefix ||', 'if (waiting == nullptr || m.prefix != config_.prefix ||', 'SequentialRules.ForeignAndStaleMessagesAreIgnored'),
 ("sequential.CreatedEntryMustBeOurs", S+'sequential_elector_messages.cpp', '  if (m.entry.create_revision == 0 || m.entry.lease != session_.lease()) {', '  if (m.entry.create_revision == 0) {', 'SequentialRules.CreateAnswerWithoutOurEntryStartsOver'),
 # ---- Store node (tests/core/store_node_test.cpp) ----
 ("store.FreshLeaseIds", ST+'store_node.cpp', 'const LeaseId id = ++last_lease_;', 'const LeaseId id = leases_.size() + 1;', 'StoreNode.GrantAssignsFreshIdsNeverReused'),
 ("store.GrantAnswersRequest", ST+'store_node.cpp', 'send(from, LeaseGrantResult{m.request, id, m.ttl_ms});', 'send(from, LeaseGrantResult{0, id, m.ttl_ms});', 'StoreNode.GrantAssignsFreshIdsNeverReused'),
 ("store.TtlRoundedUp", ST+'store_node.cpp', 'const double ticks = std::ceil(', 'const double ticks = std::floor(', 'StoreNode.LeaseExpiresAtDeadlineOfRoundedUpTicks'),
 ("store.ExpiryAtDeadline", ST+'store_node.cpp', 'if (lease.deadline_tick <= now_ticks_) expired.push_back(id);', 'if (lease.deadline_tick < now_ticks_) expired.push_back(id);', 'StoreNode.LeaseExpiresAtDeadlineOfRoundedUpTicks:StoreNode.KeepAliveRestartsTtlFromArrival'),
 ("store.KeepAliveRestartsTtl", ST+'store_node.cpp', '  it->second.deadline_tick = now_ticks_ + ttl_ticks(it->second.ttl_ms);\n', '', 'StoreNode.KeepAliveRestartsTtlFromArrival'),
 ("store.KeepAliveAnswersTtl", ST+'store_node.cpp', 'send(from, LeaseKeepAliveResult{m.request, m.lease, it->second.ttl_ms});', 'send(from, LeaseKeepAliveResult{m.request, m.lease, it->second.ttl_ms / 2});', 'StoreNode.KeepAliveRestartsTtlFromArrival'),
 ("store.UnknownLeaseTtlZero", ST+'store_node.cpp', '    send(from, LeaseKeepAliveResult{m.request, m.lease, 0});', '    send(from, LeaseKeepAliveResult{m.request, m.lease, 1});', 'StoreNode.KeepAliveOfUnknownLeaseAnswersTtlZero'),
 ("store.ExpiryDeletesEveryEntry", ST+'store_node.cpp', '  for (const auto& [key, create_revision] : keys_.entries_of(lease)) {\n    delete_entry(key, create_revision);\n  }', '  const auto bound = keys_.entries_of(lease);\n  if (!bound.empty()) delete_entry(bound[0].first, bound[0].second);', 'StoreNode.ExpiryDeletesEveryBoundEntryOneRevisionEach'),
 ("store.DeletionIsARevision", ST+'keyspace.cpp', '  return ++revision_;', '  return revision_;', 'StoreNode.ExpiryDeletesEveryBoundEntryOneRevisionEach'),
 ("store.OnlyBoundEntriesDie", ST+'keyspace.cpp', '      if (entry.lease == lease) found.emplace_back(key, rev);', '      (void)entry;\n      (void)lease;\n      found.emplace_back(key, rev);', 'StoreNode.ExpiryDeletesEveryBoundEntryOneRevisionEach'),
 ("store.DeletionFiresWatches", ST+'store_node.cpp', '      send(w.watcher, WatchEvent{w.request, key, create_revision, revision});', '      (void)revision;', 'StoreNode.ExpiryFiresWatchesOnDeletedEntries:StoreNode.RevokeDeletesAtOnceWithoutAnswer:StoreNode.WatchFiresOnlyOnce'),
 ("store.EventCarriesDeletionRevision", ST+'store_node.cpp', 'WatchEvent{w.request, key, create_revision, revision}', 'WatchEvent{w.request, key, create_revision, revision - 1}', 'StoreNode.ExpiryFiresWatchesOnDeletedEntries'),
 ("store.RevokeDeletes", ST+'store_node.cpp', '  end_lease(m.lease);\n}', '}', 'StoreNode.RevokeDeletesAtOnceWithoutAnswer'),
 ("store.RevokeNotAnswered", ST+'store_node.cpp', '  end_lease(m.lease);\n}', '  end_lease(m.lease);\n  send(from, LeaseKeepAliveResult{m.request, m.lease, 0});\n}', 'StoreNode.RevokeDeletesAtOnceWithoutAnswer'),
 ("store.EntryAtNewRevision", ST+'keyspace.cpp', '  const Entry entry{owner, lease, revision_, revision_};', '  const Entry entry{owner, lease, revision_, 0};', 'StoreNode.PutOnAbsentKeyCreatesAtNewRevision'),
 ("store.StatusTermIsRevision", ST+'store_node.cpp', '  s.term = keys_.revision();', '  s.term = 0;', 'StoreNode.PutOnAbsentKeyCreatesAtNewRevision:StoreNode.StatusCloneAndRefusedElectorRequests'),
 ("store.CompareAndSet", ST+'store_node.cpp', '  } else if (current.mod_revision != m.expect_mod_revision) {', '  } else if (false) {', 'StoreNode.PutCompareFailsAndReportsCurrentHolder'),
 ("store.FailedPutReportsHolder", ST+'store_node.cpp', '  result.entry = keys_.lowest(m.key);', '  if (result.succeeded) result.entry = keys_.lowest(m.key);', 'StoreNode.PutCompareFailsAndReportsCurrentHolder'),
 ("store.OverwriteBumpsModRevision", ST+'keyspace.cpp', '  entry.mod_revision = revision_;\n', '', 'StoreNode.PutMatchingModRevisionOverwritesKeepingCreateRevision'),
 ("store.OverwriteKeepsCreateRevision", ST+'store_node.cpp', '      keys_.overwrite_lowest(m.key, m.owner, m.lease);', '      keys_.insert(m.key, m.owner, m.lease);', 'StoreNode.PutMatchingModRevisionOverwritesKeepingCreateRevision'),
 ("store.PutNeedsLiveLease", ST+'store_node.cpp', '  if (m.key == 0 || m.owner == kNoNode || !lease_alive(m.lease)) {', '  if (m.key == 0 || m.owner == kNoNode) {', 'StoreNode.PutNeedsLiveLease'),
 ("store.LeaseAliveMeansKnown", ST+'store_node.hpp', 'return lease != 0 && leases_.count(lease) == 1;', 'return lease != 0;', 'StoreNode.PutNeedsLiveLease'),
 ("store.GetAnswersLowest", ST+'keyspace.cpp', '  return it->second.begin()->second;', '  return it->second.rbegin()->second;', 'StoreNode.GetAnswersEntryOrLowestUnderPrefix:StoreNode.CreateSequencesEntriesWithPredecessorAndLowest'),
 ("store.GetAnswersRequest", ST+'store_node.cpp', 'send(from, GetResult{m.request, m.key,', 'send(from, GetResult{0, m.key,', 'StoreNode.GetAnswersEntryOrLowestUnderPrefix'),
 ("store.CreateIdempotent", ST+'store_node.cpp', '  } else if (entry = keys_.find_by_lease(m.prefix, m.lease); entry.create_revision != 0) {', '  } else if (false) {', 'StoreNode.CreateIsIdempotentPerPrefixAndLease'),
 ("store.IdempotentPerPrefix", ST+'keyspace.cpp', 'Entry Keyspace::find_by_lease(Key key, LeaseId lease) const {\n  const auto it = keys_.find(key);\n  if (it == keys_.end()) return {};', 'Entry Keyspace::find_by_lease(Key key, LeaseId lease) const {\n  for (const auto& [k, entries] : keys_) {\n    for (const auto& [rev, entry] : entries) {\n      if (entry.lease == lease) return entry;\n    }\n  }\n  const auto it = keys_.find(key);\n  if (it == keys_.end()) return {};', 'StoreNode.CreateIsIdempotentPerPrefixAndLease'),
 ("store.CreateReportsPredecessor", ST+'store_node.cpp', 'Entry{} : keys_.predecessor(m.prefix, entry.create_revision);', 'Entry{} : keys_.lowest(m.prefix);', 'StoreNode.CreateSequencesEntriesWithPredecessorAndLowest'),
 ("store.CreateReportsLowest", ST+'store_node.cpp', 'send(from, CreateResult{m.request, m.prefix, entry, predecessor, keys_.lowest(m.prefix),', 'send(from, CreateResult{m.request, m.prefix, entry, predecessor, entry,', 'StoreNode.CreateSequencesEntriesWithPredecessorAndLowest'),
 ("store.PredecessorIsBelow", ST+'keyspace.cpp', 'auto below = it->second.lower_bound(sequence);', 'auto below = it->second.upper_bound(sequence);', 'StoreNode.PredecessorAnswersEntryBelowLowestAndExistence:StoreNode.CreateSequencesEntriesWithPredecessorAndLowest'),
 ("store.PredecessorReportsExistence", ST+'store_node.cpp', 'result.exists = m.sequence != 0 && keys_.find(m.prefix, m.sequence).create_revision != 0;', 'result.exists = m.sequence != 0;', 'StoreNode.PredecessorAnswersEntryBelowLowestAndExistence'),
 ("store.PredecessorAnswersRequest", ST+'store_node.cpp', '  result.request = m.request;\n', '', 'StoreNode.PredecessorAnswersEntryBelowLowestAndExistence'),
 ("store.WatchDisarmedOnFire", ST+'store_node.cpp', '  std::erase_if(watches_, [&](const ArmedWatch& w) {\n    return w.key == key && w.create_revision == create_revision;\n  });', '', 'StoreNode.WatchFiresOnlyOnce'),
 ("store.WatchGoneFiresAtOnce", ST+'store_node.cpp', '  if (keys_.find(m.key, m.create_revision).create_revision == 0) {', '  if (false) {', 'StoreNode.WatchOnGoneEntryFiresAtOnce:StoreNode.MalformedRequestsGetFailingAnswers'),
 ("store.DuplicateWatchNewestRequest", ST+'store_node.cpp', '      w.request = m.request;\n', '', 'StoreNode.DuplicateWatchIsOneWatchAnsweringNewestRequest'),
 ("store.DuplicateWatchIsOne", ST+'store_node.cpp', '    if (w.watcher == from && w.key == m.key && w.create_revision == m.create_revision) {', '    if (false) {', 'StoreNode.DuplicateWatchIsOneWatchAnsweringNewestRequest'),
 ("store.MaxTtl", ST+'store_node.cpp', 'if (m.ttl_ms == 0 || m.ttl_ms > config_.max_ttl_ms) {', 'if (m.ttl_ms == 0) {', 'StoreNode.MalformedRequestsGetFailingAnswers'),
 ("store.TtlZeroRefused", ST+'store_node.cpp', 'if (m.ttl_ms == 0 || m.ttl_ms > config_.max_ttl_ms) {', 'if (m.ttl_ms > config_.max_ttl_ms) {', 'StoreNode.MalformedRequestsGetFailingAnswers'),
 ("store.PutKeyZeroRefused", ST+'store_node.cpp', '  if (m.key == 0 || m.owner == kNoNode || !lease_alive(m.lease)) {', '  if (m.owner == kNoNode || !lease_alive(m.lease)) {', 'StoreNode.MalformedRequestsGetFailingAnswers'),
 ("store.PutOwnerZeroRefused", ST+'store_node.cpp', '  if (m.key == 0 || m.owner == kNoNode || !lease_alive(m.lease)) {', '  if (m.key == 0 || !lease_alive(m.lease)) {', 'StoreNode.MalformedRequestsGetFailingAnswers'),
 ("store.CreatePrefixZeroRefused", ST+'store_node.cpp', '  if (m.prefix == 0 || m.owner == kNoNode || !lease_alive(m.lease)) {', '  if (m.owner == kNoNode || !lease_alive(m.lease)) {', 'StoreNode.MalformedRequestsGetFailingAnswers'),
 ("store.CreateNeedsLiveLease", ST+'store_node.cpp', '  if (m.prefix == 0 || m.owner == kNoNode || !lease_alive(m.lease)) {', '  if (m.prefix == 0 || m.owner == kNoNode) {', 'StoreNode.MalformedRequestsGetFailingAnswers'),
 ("store.LeaseLimit", ST+'store_node.cpp', '  if (leases_.size() >= config_.max_leases) {', '  if (false) {', 'StoreNode.LimitsRefuseBeyondThem'),
 ("store.PutEntryLimit", ST+'store_node.cpp', '  } else if (current.create_revision == 0 && keys_.size() >= config_.max_entries) {', '  } else if (false) {', 'StoreNode.LimitsRefuseBeyondThem'),
 ("store.OverwriteNotLimited", ST+'store_node.cpp', '  } else if (current.create_revision == 0 && keys_.size() >= config_.max_entries) {', '  } else if (keys_.size() >= config_.max_entries) {', 'StoreNode.LimitsRefuseBeyondThem'),
 ("store.CreateEntryLimit", ST+'store_node.cpp', '  } else if (keys_.size() >= config_.max_entries) {\n    emit(CoreEventKind::MessageIgnored, from, "create: entry limit reached");', '  } else if (false) {\n    emit(CoreEventKind::MessageIgnored, from, "create: entry limit reached");', 'StoreNode.LimitsRefuseBeyondThem'),
 ("store.WatchLimit", ST+'store_node.cpp', '  if (watches_.size() >= config_.max_watches) {', '  if (false) {', 'StoreNode.LimitsRefuseBeyondThem'),
 ("store.OutageRestartsTtls", ST+'store_node.cpp', '  for (auto& [id, lease] : leases_) lease.deadline_tick = now_ticks_ + ttl_ticks(lease.ttl_ms);\n', '', 'StoreNode.RecoverAfterOutageRestartsEveryTtlAndDropsWatches'),
 ("store.OutageDropsWatches", ST+'store_node.cpp', '  watches_.clear();\n', '', 'StoreNode.RecoverAfterOutageRestartsEveryTtlAndDropsWatches'),
 ("store.NeverTransfers", ST+'store_node.hpp', 'RequestResult transfer(NodeId) override { return RequestResult::NotSupported; }', 'RequestResult transfer(NodeId) override { return RequestResult::Ok; }', 'StoreNode.StatusCloneAndRefusedElectorRequests'),
 ("store.NeverResigns", ST+'store_node.hpp', 'RequestResult resign() override { return RequestResult::NotSupported; }', 'RequestResult resign() override { return RequestResult::Ok; }', 'StoreNode.StatusCloneAndRefusedElectorRequests'),
 ("store.NeverLeads", ST+'store_node.cpp', '  s.role = Role::Follower;', '  s.role = Role::Leader;', 'StoreNode.StatusCloneAndRefusedElectorRequests'),
 ("store.NonRequestsIgnored", ST+'store_node.hpp', '    emit(CoreEventKind::MessageIgnored, from, "not a store request");', '    emit(CoreEventKind::MessageIgnored, from, "not a store request");\n    send(from, GetResult{});', 'StoreNode.IgnoresAnswersAndOtherAlgorithmsMessages'),
 # ---- Store client session (tests/core/store_session_test.cpp) ----
 ("store_client.StartOnce", SC+'session.cpp', '  if (std::holds_alternative<Stopped>(state_)) send_grant(now_ticks, out);', '  send_grant(now_ticks, out);', 'StoreSession.StartRequestsLeaseWithTtl'),
 ("store_client.GrantAsksTtl", SC+'session.cpp', 'send(store::LeaseGrant{request, config_.ttl_ms}, out);', 'send(store::LeaseGrant{request, 1000}, out);', 'StoreSession.StartRequestsLeaseWithTtl'),
 ("store_client.FirstRequestId", SC+'session.cpp', 'next_request_(first_request_id == 0 ? 1 : first_request_id)', 'next_request_(first_request_id == 0 ? 1 : first_request_id + 1)', 'StoreSession.StartRequestsLeaseWithTtl:StoreSession.LostGrantRetriedUnderNewIdOldAnswerRevoked'),
 ("store_client.DriftFactor", SC+'session.cpp', '(1.0 - drift) / (1.0 + drift)', '(1.0 - drift)', 'StoreSession.ValidityIsDriftScaledTtlMinusMarginMinusOneTick'),
 ("store_client.OneTickOfStoreGranularity", SC+'session.cpp', 'static_cast<double>(config.safety_margin_ticks) + 1.0;', 'static_cast<double>(config.safety_margin_ticks) + 0.0;', 'StoreSession.ValidityIsDriftScaledTtlMinusMarginMinusOneTick:StoreSession.GrantValidityCountsFromTheGrantsSentTick'),
 ("store_client.SafetyMargin", SC+'session.cpp', 'static_cast<double>(config.safety_margin_ticks) + 1.0;', '0.0 * static_cast<double>(config.safety_margin_ticks) + 1.0;', 'StoreSession.ValidityIsDriftScaledTtlMinusMarginMinusOneTick'),
 ("store_client.UnsafeSwitchOnlyDrift", SC+'session.cpp', 'config.ignore_drift ? 1.0 : ', 'false ? 1.0 : ', 'StoreSession.ValidityIsDriftScaledTtlMinusMarginMinusOneTick'),
 ("store_client.TicksFromMs", SC+'session.cpp', 'const double ttl_ticks = static_cast<double>(ttl_ms) / config.tick_ms;', 'const double ttl_ticks = static_cast<double>(ttl_ms);', 'StoreSession.ValidityIsDriftScaledTtlMinusMarginMinusOneTick'),
 ("store_client.NeverNegative", SC+'session.cpp', 'return whole > cut ? static_cast<std::uint64_t>(whole - cut) : 0;', 'return static_cast<std::uint64_t>(whole) - static_cast<std::uint64_t>(cut);', 'StoreSession.ValidityIsDriftScaledTtlMinusMarginMinusOneTick'),
 ("store_client.GrantFromSentTick", SC+'session.cpp', '  const std::uint64_t sent = g->sent_tick;', '  const std::uint64_t sent = 0;', 'StoreSession.GrantValidityCountsFromTheGrantsSentTick:StoreSession.LostGrantRetriedUnderNewIdOldAnswerRevoked'),
 ("store_client.ValidBeforeUntilOnly", SC+'session.hpp', 'return now_ticks + 1 <= until_ticks_;', 'return now_ticks <= until_ticks_;', 'StoreSession.GrantValidityCountsFromTheGrantsSentTick:StoreSession.ValidityEndsWithoutRenewal'),
 ("store_client.GrantedTtl", SC+'session.cpp', 'until_ticks_ = sent + validity_ticks(config_, m.ttl_ms);', 'until_ticks_ = sent + validity_ticks(config_, config_.ttl_ms);', 'StoreSession.ValidityUsesTheTtlTheStoreGranted'),
 ("store_client.RenewInterval", SC+'session.cpp', 'static_cast<std::uint64_t>(std::floor(ttl_ticks * config_.renew_fraction))', 'static_cast<std::uint64_t>(std::floor(ttl_ticks * config_.renew_fraction)) + 1', 'StoreSession.KeepAliveEveryRenewFractionOfTtl'),
 ("store_client.FirstKeepAliveFromGrantSent", SC+'session.cpp', 'state_ = Holding{m.lease, sent + renew_interval_ticks(), 0, 0};', 'state_ = Holding{m.lease, sent + 2 * renew_interval_ticks(), 0, 0};', 'StoreSession.KeepAliveEveryRenewFractionOfTtl'),
 ("store_client.KeepAliveFromSentTick", SC+'session.cpp', 'until_ticks_ = std::max(until_ticks_, h->sent_tick + validity_ticks(config_, m.ttl_ms));', 'until_ticks_ = std::max(until_ticks_, now_ticks + validity_ticks(config_, m.ttl_ms));', 'StoreSession.KeepAliveConfirmsFromItsSentTick'),
 ("store_client.NextKeepAliveFromSentTick", SC+'session.cpp', 'h->next_keepalive_tick = h->sent_tick + renew_interval_ticks();', 'h->next_keepalive_tick = now_ticks + renew_interval_ticks();', 'StoreSession.KeepAliveConfirmsFromItsSentTick'),
 ("store_client.NoOptimisticRenewal", SC+'session.cpp', '  send(store::LeaseKeepAlive{h->request, h->lease}, out);', '  until_ticks_ = now_ticks + validity_ticks(config_, config_.ttl_ms);\n  send(store::LeaseKeepAlive{h->request, h->lease}, out);', 'StoreSession.ValidityEndsWithoutRenewal'),
 ("store_client.GrantRetried", SC+'session.cpp', 'if (now_ticks >= g->sent_tick + config_.request_timeout_ticks) send_grant(now_ticks, out);', 'if (now_ticks > g->sent_tick + config_.request_timeout_ticks) send_grant(now_ticks, out);', 'StoreSession.LostGrantRetriedUnderNewIdOldAnswerRevoked:StoreSession.RefusedGrantRetriedAfterTimeout'),
 ("store_client.OldGrantAnswerIgnored", SC+'session.cpp', '  if (g == nullptr || m.request != g->request) {', '  if (g == nullptr) {', 'StoreSession.LostGrantRetriedUnderNewIdOldAnswerRevoked'),
 ("store_client.OrphanLeaseRevoked", SC+'session.cpp', '      send(store::LeaseRevoke{next_request_id(), m.lease}, out);', '      (void)out;', 'StoreSession.LostGrantRetriedUnderNewIdOldAnswerRevoked'),
 ("store_client.RefusalIsNoGrant", SC+'session.cpp', '  if (m.lease == 0 || m.ttl_ms == 0) return SessionChange::None;  // refused: retried on timeout\n', '', 'StoreSession.RefusedGrantRetriedAfterTimeout'),
 ("store_client.KeepAliveRetriedAtTimeout", SC+'session.cpp', 'now_ticks + std::min(config_.request_timeout_ticks, renew_interval_ticks());', 'now_ticks + renew_interval_ticks();', 'StoreSession.LostKeepAliveRetriedUnderNewId'),
 ("store_client.KeepAliveRetryNewId", SC+'session.cpp', '  h->request = next_request_id();', '  if (h->request == 0) h->request = next_request_id();', 'StoreSession.LostKeepAliveRetriedUnderNewId'),
 ("store_client.SupersededAnswerIgnored", SC+'session.cpp', 'if (h == nullptr || h->request == 0 || m.request != h->request || m.lease != h->lease) {', 'if (h == nullptr || m.lease != h->lease) {', 'StoreSession.AnswerToSupersededKeepAliveIgnored'),
 ("store_client.TtlZeroIsLost", SC+'session.cpp', '  if (m.ttl_ms == 0) {', '  if (false) {', 'StoreSession.KeepAliveTtlZeroMeansLostAndRegrants'),
 ("store_client.LostRegrants", SC+'session.cpp', '    send_grant(now_ticks, out);\n    return SessionChange::Lost;', '    (void)now_ticks;\n    (void)out;\n    state_ = Stopped{};\n    return SessionChange::Lost;', 'StoreSession.KeepAliveTtlZeroMeansLostAndRegrants'),
 ("store_client.LostInvalidates", SC+'session.cpp', '    until_ticks_ = 0;\n    send_grant(now_ticks, out);', '    send_grant(now_ticks, out);', 'StoreSession.KeepAliveTtlZeroMeansLostAndRegrants'),
 ("store_client.RevokeSent", SC+'session.cpp', '    send(store::LeaseRevoke{next_request_id(), h->lease}, out);', '    (void)h;\n    (void)out;', 'StoreSession.RevokeGivesLeaseBackAndStops'),
 ("store_client.RevokeStops", SC+'session.cpp', '  state_ = Stopped{};\n  until_ticks_ = 0;', '  until_ticks_ = 0;', 'StoreSession.RevokeGivesLeaseBackAndStops'),
 ("store_client.RevokeInvalidates", SC+'session.cpp', '  state_ = Stopped{};\n  until_ticks_ = 0;', '  state_ = Stopped{};', 'StoreSession.RevokeGivesLeaseBackAndStops'),
]


TEST_TIMEOUT_S = 20  # one rule test runs in well under a second


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--build-dir', default='build', help='configured CMake build directory (default: build)')
    ap.add_argument('only', nargs='*', help='mutation names or core names to run (default: all)')
    return ap.parse_args()


def build(build_dir):
    return subprocess.run(['cmake', '--build', build_dir, '--target', 'core_tests'],
                          capture_output=True, text=True)


def gtest(build_dir, filt, timeout=None):
    """Runs core_tests on `filt`; returns its exit code, or None if it did not finish in time."""
    try:
        return subprocess.run([os.path.join(build_dir, 'tests', 'core_tests'), f'--gtest_filter={filt}'],
                              capture_output=True, text=True, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return None


def interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main():
    args = parse_args()
    # SIGTERM restores like Ctrl-C: both unwind through the finally block that restores the file.
    # SIGINT is set too, since a shell starting us in the background would have it ignored.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    names = {m[0] for m in M}
    cores = {n.split('.')[0] for n in names}
    unknown = [o for o in args.only if o not in names and o not in cores]
    if unknown:
        print(f"unknown mutation or core: {unknown}")
        return 1
    if len(names) != len(M):
        print("duplicate mutation names")
        return 1
    chosen = [m for m in M if not args.only or m[0] in args.only or m[0].split('.')[0] in args.only]

    # Baseline: the unmutated tree builds, every named test exists and passes.
    b = build(args.build_dir)
    if b.returncode != 0:
        print(f"baseline BUILD FAILED\n{b.stdout[-3000:]}{b.stderr[-1500:]}")
        return 1
    listed = subprocess.run([os.path.join(args.build_dir, 'tests', 'core_tests'), '--gtest_list_tests'],
                            capture_output=True, text=True).stdout
    known, suite = set(), ''
    for line in listed.splitlines():
        if not line.startswith(' '):
            suite = line.strip()
        else:
            known.add(suite + line.split('#')[0].strip())
    tests = sorted({t for m in chosen for t in m[4].split(':')})
    missing = [t for t in tests if t not in known]
    if missing:
        print(f"tests named but not in core_tests: {missing}")
        return 1
    r = subprocess.run([os.path.join(args.build_dir, 'tests', 'core_tests'), f'--gtest_filter={":".join(tests)}'],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"baseline: named tests fail without any mutation\n{r.stdout[-3000:]}")
        return 1

    failures = []  # survivors, unknown patterns and mutations that do not build
    for name, f, old, new, filt in chosen:
        src = open(f).read()
        count = src.count(old)
        if count != 1:
            print(f"{name}: PATTERN {'NOT FOUND' if count == 0 else f'FOUND {count} TIMES'} in {f}", flush=True)
            failures.append(f"{name} (pattern)")
            continue
        try:
            with open(f, 'w') as out:
                out.write(src.replace(old, new, 1))
            b = build(args.build_dir)
            if b.returncode != 0:
                print(f"{name}: BUILD FAILED\n{b.stdout[-1500:]}{b.stderr[-500:]}", flush=True)
                failures.append(f"{name} (build)")
                continue
            results = []
            for t in filt.split(':'):
                # A mutation may make a test loop forever: that counts as failing (caught).
                rc = gtest(args.build_dir, t, timeout=TEST_TIMEOUT_S)
                results.append(f"{t.split('.')[1]}=" +
                               ('FAILS (hangs)' if rc is None else 'FAILS' if rc else 'passes(!)'))
                if rc == 0:
                    failures.append(f"{name}/{t}")
            print(f"{name}: " + ", ".join(results), flush=True)
        finally:
            # Not even a second Ctrl-C may leave the file half-written.
            old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            with open(f, 'w') as out:
                out.write(src)
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)

    build(args.build_dir)
    per_core = {}
    for m in chosen:
        per_core[m[0].split('.')[0]] = per_core.get(m[0].split('.')[0], 0) + 1
    print(f"{len(chosen)} mutations: " + ", ".join(f"{c} {n}" for c, n in per_core.items()))
    print("all mutations caught" if not failures else f"NOT caught: {failures}")
    return 1 if failures else 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; every mutated file was restored (rebuild core_tests before using it)")
        sys.exit(130)
