// Which messages a receiver may leave unread until its next read: a leader's periodic heartbeats
// and the answers to them. Every other message is padded by its sender to net::kWakeFrameBytes so
// that it wakes a receiver deferring its input as it arrives (docs/runtime.md, "Only routine
// traffic waits"): a vote request, a step-down or a hand-over is never held for an interval.
// Anything not listed wakes, so a new message kind is safe by default.
#pragma once

#include <variant>

#include "core/message.hpp"

namespace baton {

inline bool may_wait_for_reader(const Message& message) {
  return std::holds_alternative<raft::Heartbeat>(message) ||
         std::holds_alternative<raft::HeartbeatResponse>(message) ||
         std::holds_alternative<paxos::LeaseRenew>(message) ||
         std::holds_alternative<paxos::LeaseAck>(message) ||
         std::holds_alternative<zab::Ping>(message) ||
         std::holds_alternative<zab::PingAck>(message) ||
         // Bully and Ring followers read their leader's Alive on the beat.
         std::holds_alternative<bully::Alive>(message) ||
         std::holds_alternative<ring::Alive>(message);
}

}  // namespace baton
