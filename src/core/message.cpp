#include "core/message.hpp"

#include <array>

namespace baton {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

constexpr std::array<std::string_view, kMessageCounterSlots> kSlotNames = {
    "vote_request", "vote_response",    "heartbeat",         "heartbeat_response",
    "timeout_now",  "pre_vote_request", "pre_vote_response",
};

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::Follower:
      return "follower";
    case Role::PreCandidate:
      return "pre-candidate";
    case Role::Candidate:
      return "candidate";
    case Role::Leader:
      return "leader";
  }
  return "unknown";
}

std::size_t message_counter_slot(const Message& message) {
  return std::visit(
      Overloaded{
          [](const raft::VoteRequest& m) -> std::size_t { return m.pre_vote ? 5 : 0; },
          [](const raft::VoteResponse& m) -> std::size_t { return m.pre_vote ? 6 : 1; },
          [](const raft::Heartbeat&) -> std::size_t { return 2; },
          [](const raft::HeartbeatResponse&) -> std::size_t { return 3; },
          [](const raft::TimeoutNow&) -> std::size_t { return 4; },
      },
      message);
}

std::string_view message_counter_name(std::size_t slot) {
  return slot < kSlotNames.size() ? kSlotNames[slot] : "unknown";
}

std::string_view message_name(const Message& message) {
  return message_counter_name(message_counter_slot(message));
}

bool is_election_message(const Message& message) {
  return std::visit(Overloaded{
                        [](const raft::VoteRequest&) { return true; },
                        [](const raft::VoteResponse&) { return true; },
                        [](const raft::Heartbeat&) { return false; },
                        [](const raft::HeartbeatResponse&) { return false; },
                        [](const raft::TimeoutNow&) { return true; },
                    },
                    message);
}

}  // namespace baton
