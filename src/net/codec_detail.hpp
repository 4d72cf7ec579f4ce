// Internals of the wire codec (codec.hpp), shared by its per-family files codec_<family>.cpp: one
// to_wire/from_wire overload pair per alternative of baton::Message, and the range checks that
// decoding applies to every field. Not for use outside src/net/codec*.cpp.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/message.hpp"
#include "net/codec.hpp"
#include "wire.pb.h"

namespace baton::net::detail {

/// Collects the first problem found while decoding one message, so a decoder can read every field
/// straight through and ask once at the end. Errors read "<kind>: <field> <problem>".
class FieldCheck {
 public:
  /// `kind` is the message's oneof field name in wire.proto, e.g. "paxos_promise".
  explicit FieldCheck(std::string_view kind) : kind_(kind) {}

  /// `value` as T. The wire carries every integer as uint64 (wire.proto says why); a value that
  /// does not fit T is an error, not a silent truncation. `parent` names an enclosing field
  /// ("ballot" for "ballot.node").
  template <class T>
  T narrow(std::uint64_t value, std::string_view field, std::string_view parent = {}) {
    if (value > std::numeric_limits<T>::max()) {
      fail(field, parent,
           std::to_string(value) + " out of range (max " +
               std::to_string(std::numeric_limits<T>::max()) + ")");
      return T{};
    }
    return static_cast<T>(value);
  }
  NodeId node(std::uint64_t value, std::string_view field, std::string_view parent = {}) {
    return narrow<NodeId>(value, field, parent);
  }

  /// Records `problem` for `field` unless an earlier problem was recorded.
  void fail(std::string_view field, std::string_view parent, std::string_view problem);

  /// `message` if every field was valid, else the first error.
  Decoded<Message> finish(Message message) const;

 private:
  std::string_view kind_;
  std::string error_;
};

// One pair per Message alternative. to_wire sets the envelope's oneof; from_wire checks and
// converts. codec.cpp's visit needs a to_wire for every alternative and its switch a from_wire for
// every oneof case, so a kind without a codec does not compile.

// codec_raft.cpp
void to_wire(const raft::VoteRequest& m, wire::Envelope& out);
void to_wire(const raft::VoteResponse& m, wire::Envelope& out);
void to_wire(const raft::Heartbeat& m, wire::Envelope& out);
void to_wire(const raft::HeartbeatResponse& m, wire::Envelope& out);
void to_wire(const raft::TimeoutNow& m, wire::Envelope& out);
Decoded<Message> from_wire(const wire::RaftVoteRequest& w);
Decoded<Message> from_wire(const wire::RaftVoteResponse& w);
Decoded<Message> from_wire(const wire::RaftHeartbeat& w);
Decoded<Message> from_wire(const wire::RaftHeartbeatResponse& w);
Decoded<Message> from_wire(const wire::RaftTimeoutNow& w);

// codec_bully_ring.cpp
void to_wire(const bully::Election& m, wire::Envelope& out);
void to_wire(const bully::Answer& m, wire::Envelope& out);
void to_wire(const bully::Coordinator& m, wire::Envelope& out);
void to_wire(const bully::Alive& m, wire::Envelope& out);
void to_wire(const ring::Election& m, wire::Envelope& out);
void to_wire(const ring::Elected& m, wire::Envelope& out);
void to_wire(const ring::Ack& m, wire::Envelope& out);
void to_wire(const ring::Alive& m, wire::Envelope& out);
Decoded<Message> from_wire(const wire::BullyElection& w);
Decoded<Message> from_wire(const wire::BullyAnswer& w);
Decoded<Message> from_wire(const wire::BullyCoordinator& w);
Decoded<Message> from_wire(const wire::BullyAlive& w);
Decoded<Message> from_wire(const wire::RingElection& w);
Decoded<Message> from_wire(const wire::RingElected& w);
Decoded<Message> from_wire(const wire::RingAck& w);
Decoded<Message> from_wire(const wire::RingAlive& w);

// codec_paxos.cpp
void to_wire(const paxos::Prepare& m, wire::Envelope& out);
void to_wire(const paxos::Promise& m, wire::Envelope& out);
void to_wire(const paxos::Accept& m, wire::Envelope& out);
void to_wire(const paxos::Accepted& m, wire::Envelope& out);
void to_wire(const paxos::LeaseRenew& m, wire::Envelope& out);
void to_wire(const paxos::LeaseAck& m, wire::Envelope& out);
Decoded<Message> from_wire(const wire::PaxosPrepare& w);
Decoded<Message> from_wire(const wire::PaxosPromise& w);
Decoded<Message> from_wire(const wire::PaxosAccept& w);
Decoded<Message> from_wire(const wire::PaxosAccepted& w);
Decoded<Message> from_wire(const wire::PaxosLeaseRenew& w);
Decoded<Message> from_wire(const wire::PaxosLeaseAck& w);

// codec_zab.cpp
void to_wire(const zab::Notification& m, wire::Envelope& out);
void to_wire(const zab::FollowerInfo& m, wire::Envelope& out);
void to_wire(const zab::NewEpoch& m, wire::Envelope& out);
void to_wire(const zab::AckEpoch& m, wire::Envelope& out);
void to_wire(const zab::Ping& m, wire::Envelope& out);
void to_wire(const zab::PingAck& m, wire::Envelope& out);
Decoded<Message> from_wire(const wire::ZabNotification& w);
Decoded<Message> from_wire(const wire::ZabFollowerInfo& w);
Decoded<Message> from_wire(const wire::ZabNewEpoch& w);
Decoded<Message> from_wire(const wire::ZabAckEpoch& w);
Decoded<Message> from_wire(const wire::ZabPing& w);
Decoded<Message> from_wire(const wire::ZabPingAck& w);

// codec_store.cpp
void to_wire(const store::LeaseGrant& m, wire::Envelope& out);
void to_wire(const store::LeaseGrantResult& m, wire::Envelope& out);
void to_wire(const store::LeaseKeepAlive& m, wire::Envelope& out);
void to_wire(const store::LeaseKeepAliveResult& m, wire::Envelope& out);
void to_wire(const store::LeaseRevoke& m, wire::Envelope& out);
void to_wire(const store::Put& m, wire::Envelope& out);
void to_wire(const store::PutResult& m, wire::Envelope& out);
void to_wire(const store::Get& m, wire::Envelope& out);
void to_wire(const store::GetResult& m, wire::Envelope& out);
void to_wire(const store::Create& m, wire::Envelope& out);
void to_wire(const store::CreateResult& m, wire::Envelope& out);
void to_wire(const store::Predecessor& m, wire::Envelope& out);
void to_wire(const store::PredecessorResult& m, wire::Envelope& out);
void to_wire(const store::Watch& m, wire::Envelope& out);
void to_wire(const store::WatchEvent& m, wire::Envelope& out);
Decoded<Message> from_wire(const wire::StoreLeaseGrant& w);
Decoded<Message> from_wire(const wire::StoreLeaseGrantResult& w);
Decoded<Message> from_wire(const wire::StoreLeaseKeepAlive& w);
Decoded<Message> from_wire(const wire::StoreLeaseKeepAliveResult& w);
Decoded<Message> from_wire(const wire::StoreLeaseRevoke& w);
Decoded<Message> from_wire(const wire::StorePut& w);
Decoded<Message> from_wire(const wire::StorePutResult& w);
Decoded<Message> from_wire(const wire::StoreGet& w);
Decoded<Message> from_wire(const wire::StoreGetResult& w);
Decoded<Message> from_wire(const wire::StoreCreate& w);
Decoded<Message> from_wire(const wire::StoreCreateResult& w);
Decoded<Message> from_wire(const wire::StorePredecessor& w);
Decoded<Message> from_wire(const wire::StorePredecessorResult& w);
Decoded<Message> from_wire(const wire::StoreWatch& w);
Decoded<Message> from_wire(const wire::StoreWatchEvent& w);

}  // namespace baton::net::detail
