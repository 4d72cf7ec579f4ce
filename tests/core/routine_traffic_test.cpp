// Exactly the heartbeats and their answers may wait for a deferring reader; every other kind,
// including any added later, is padded to wake it.
#include "core/routine_traffic.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace baton {
namespace {

template <std::size_t... I>
std::vector<std::string> kinds_that_may_wait(std::index_sequence<I...>) {
  std::vector<std::string> names;
  const auto check = [&names](const Message& message) {
    if (may_wait_for_reader(message)) names.emplace_back(message_name(message));
  };
  (check(Message(std::in_place_index<I>)), ...);
  return names;
}

TEST(RoutineTraffic, OnlyHeartbeatsAndTheirAnswersMayWait) {
  EXPECT_THAT(kinds_that_may_wait(std::make_index_sequence<std::variant_size_v<Message>>{}),
              ::testing::UnorderedElementsAre(std::string(message_name(raft::Heartbeat{})),
                                              std::string(message_name(raft::HeartbeatResponse{})),
                                              std::string(message_name(paxos::LeaseRenew{})),
                                              std::string(message_name(paxos::LeaseAck{})),
                                              std::string(message_name(zab::Ping{})),
                                              std::string(message_name(zab::PingAck{})),
                                              std::string(message_name(bully::Alive{})),
                                              std::string(message_name(ring::Alive{}))));
}

}  // namespace
}  // namespace baton
