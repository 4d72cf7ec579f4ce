// Majorities and vote counting (Raft paper 5.2): a candidate wins with floor(n/2)+1 votes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace baton::raft {

/// The smallest majority of `members` voters: any two such sets intersect, which is what makes
/// "one vote per term" imply "one leader per term" (paper 5.2).
constexpr std::size_t quorum_size(std::size_t members) {
  return members / 2 + 1;
}

/// Outcome of a (pre-)vote round so far.
enum class TallyResult : std::uint8_t { Pending, Won, Lost };

/// Counts the answers of one (pre-)vote round, indexed by member position. Only the first answer of
/// each member counts, so a duplicated response cannot be counted twice.
class VoteTally {
 public:
  explicit VoteTally(std::size_t members) : answers_(members, Answer::None) {}

  /// Records `member_index`'s answer; later answers from the same member are ignored.
  void record(std::size_t member_index, bool granted) {
    if (member_index >= answers_.size() || answers_[member_index] != Answer::None) return;
    answers_[member_index] = granted ? Answer::Granted : Answer::Rejected;
    (granted ? granted_ : rejected_) += 1;
  }

  std::size_t granted() const { return granted_; }
  std::size_t rejected() const { return rejected_; }

  /// Won once a quorum granted; Lost once so many rejected that a quorum can no longer grant.
  TallyResult result() const {
    const std::size_t quorum = quorum_size(answers_.size());
    if (granted_ >= quorum) return TallyResult::Won;
    if (rejected_ > answers_.size() - quorum) return TallyResult::Lost;
    return TallyResult::Pending;
  }

 private:
  enum class Answer : std::uint8_t { None, Granted, Rejected };
  std::vector<Answer> answers_;
  std::size_t granted_ = 0;
  std::size_t rejected_ = 0;
};

}  // namespace baton::raft
