#include "net/codec.hpp"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "net/message_fields.hpp"
#include "wire.pb.h"

namespace baton::net {
namespace {

using google::protobuf::FieldDescriptor;
using testing::FieldKind;

template <std::size_t I>
using Kind = std::variant_alternative_t<I, Message>;

constexpr NodeId kMaxNode = std::numeric_limits<NodeId>::max();

Envelope envelope_of(Message message) {
  return Envelope{.from = 7, .to = kMaxNode, .message = std::move(message)};
}

// The oneof case a message kind is written under, read back from the encoded bytes.
const FieldDescriptor* oneof_field_of(const std::string& bytes) {
  wire::Envelope parsed;
  EXPECT_TRUE(parsed.ParseFromString(bytes));
  const auto* oneof = wire::Envelope::descriptor()->FindOneofByName("kind");
  return parsed.GetReflection()->GetOneofFieldDescriptor(parsed, oneof);
}

TEST(Codec, FieldHelpersSeeEveryField) {
  // The generic helpers the tests rely on, checked against structs whose shape we know.
  static_assert(testing::field_count<raft::VoteRequest>() == 5);
  static_assert(testing::field_count<paxos::Promise>() == 5);
  static_assert(testing::field_count<store::PredecessorResult>() == 7);
  static_assert(testing::field_count<zab::Notification>() == 3);
  std::vector<FieldKind> kinds;
  testing::leaf_kinds<paxos::Accept>(kinds);
  EXPECT_EQ(kinds,
            (std::vector{FieldKind::Unsigned64, FieldKind::Unsigned32, FieldKind::Unsigned32}));
}

TEST(Codec, RoundTripsEveryKindWithEveryFieldSet) {
  testing::for_each_kind([](auto index) {
    Message message(std::in_place_index<index>);
    std::uint64_t counter = 0;
    testing::fill_fields(std::get<index>(message), counter);
    SCOPED_TRACE(std::string(message_name(message)));
    // The filler must really have changed every field, or the round trip proves little.
    std::apply([](const auto&... f) { EXPECT_TRUE(((f != std::decay_t<decltype(f)>{}) && ...)); },
               testing::tie_fields(std::get<index>(message)));

    const Envelope sent = envelope_of(message);
    const Decoded<Envelope> got = decode_envelope(encode_envelope(sent));
    ASSERT_TRUE(got) << got.error;
    EXPECT_EQ(got.error, "");
    EXPECT_EQ(got.value->message.index(), index());
    EXPECT_TRUE(testing::same_envelope(*got.value, sent));
  });
}

TEST(Codec, PaddingReachesTheWakeSizeAndDecodesAway) {
  // A message that must wake a deferring receiver is padded to at least the wake size, and at
  // most two bytes past it (a tag and a length surround at least one byte); the receiver sees the
  // message unchanged. Every minimum from "already big enough" through the two-byte lengths.
  const Envelope sent = envelope_of(raft::TimeoutNow{.term = 42});
  const std::size_t plain = encode_envelope(sent).size();
  for (std::size_t min = 0; min <= 400; ++min) {
    SCOPED_TRACE(min);
    const std::string bytes = encode_envelope(sent, min);
    EXPECT_GE(bytes.size(), min);
    EXPECT_LE(bytes.size(), std::max(plain, min + 2));
    const Decoded<Envelope> got = decode_envelope(bytes);
    ASSERT_TRUE(got) << got.error;
    EXPECT_TRUE(testing::same_envelope(*got.value, sent));
  }
}

TEST(Codec, RoundTripsEveryKindWithDefaultFields) {
  // proto3 writes no default-valued field; the kind must still survive as an empty submessage.
  testing::for_each_kind([](auto index) {
    const Envelope sent = envelope_of(Message(std::in_place_index<index>));
    SCOPED_TRACE(std::string(message_name(sent.message)));
    const Decoded<Envelope> got = decode_envelope(encode_envelope(sent));
    ASSERT_TRUE(got) << got.error;
    EXPECT_TRUE(testing::same_envelope(*got.value, sent));
  });
}

TEST(Codec, RoundTripsEveryPeerState) {
  for (auto state : {zab::PeerState::Looking, zab::PeerState::Following, zab::PeerState::Leading}) {
    zab::Notification notification;
    notification.state = state;
    const Envelope sent = envelope_of(notification);
    const Decoded<Envelope> got = decode_envelope(encode_envelope(sent));
    ASSERT_TRUE(got) << got.error;
    EXPECT_EQ(std::get<zab::Notification>(got.value->message).state, state);
  }
}

TEST(Codec, EveryKindHasItsOwnOneofCaseNamedLikeTheMessage) {
  const auto* oneof = wire::Envelope::descriptor()->FindOneofByName("kind");
  ASSERT_NE(oneof, nullptr);
  EXPECT_EQ(static_cast<std::size_t>(oneof->field_count()), kMessageKinds);
  std::set<int> numbers;
  testing::for_each_kind([&](auto index) {
    const Message message(std::in_place_index<index>);
    const FieldDescriptor* field = oneof_field_of(encode_envelope(envelope_of(message)));
    ASSERT_NE(field, nullptr);
    EXPECT_EQ(field->name(), message_name(message));
    numbers.insert(field->number());
  });
  EXPECT_EQ(numbers.size(), kMessageKinds);
}

// --- each struct and its wire message, field by field -------------------------------------------

struct Leaf {
  std::vector<const FieldDescriptor*> path;  // nested message fields, then the leaf
  std::string name() const {
    std::string out;
    for (const auto* f : path) out += (out.empty() ? "" : ".") + f->name();
    return out;
  }
};

void wire_leaves(const google::protobuf::Descriptor* d, std::vector<const FieldDescriptor*> prefix,
                 std::vector<Leaf>& out) {
  for (int i = 0; i < d->field_count(); ++i) {
    auto path = prefix;
    path.push_back(d->field(i));
    if (d->field(i)->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      wire_leaves(d->field(i)->message_type(), path, out);
    } else {
      out.push_back({path});
    }
  }
}

// `base` (an encoded envelope of kind `kind`) with its leaf `leaf` set to `value`.
std::string wire_with(const std::string& base, const FieldDescriptor* kind, const Leaf& leaf,
                      std::uint64_t value) {
  wire::Envelope e;
  EXPECT_TRUE(e.ParseFromString(base));
  google::protobuf::Message* m = e.GetReflection()->MutableMessage(&e, kind);
  for (std::size_t i = 0; i + 1 < leaf.path.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, leaf.path[i]);
  }
  m->GetReflection()->SetUInt64(m, leaf.path.back(), value);
  return e.SerializeAsString();
}

TEST(Codec, WireMessagesMirrorTheStructsAndRejectValuesTheStructCannotHold) {
  testing::for_each_kind([](auto index) {
    using T = Kind<index>;
    const Message message(std::in_place_index<index>);
    const std::string kind_name(message_name(message));
    SCOPED_TRACE(kind_name);
    const std::string base = encode_envelope(envelope_of(message));
    const FieldDescriptor* kind = oneof_field_of(base);
    ASSERT_NE(kind, nullptr);

    std::vector<FieldKind> cpp;
    testing::leaf_kinds<T>(cpp);
    std::vector<Leaf> leaves;
    wire_leaves(kind->message_type(), {}, leaves);
    // Same fields in the same order, with matching types: wire.proto mirrors the struct.
    ASSERT_EQ(leaves.size(), cpp.size());
    for (std::size_t i = 0; i < cpp.size(); ++i) {
      SCOPED_TRACE(leaves[i].name());
      const auto type = leaves[i].path.back()->cpp_type();
      switch (cpp[i]) {
        case FieldKind::Bool:
          EXPECT_EQ(type, FieldDescriptor::CPPTYPE_BOOL);
          break;
        case FieldKind::Enum:
          EXPECT_EQ(type, FieldDescriptor::CPPTYPE_ENUM);
          break;
        case FieldKind::Unsigned32:
        case FieldKind::Unsigned64:
          EXPECT_EQ(type, FieldDescriptor::CPPTYPE_UINT64);
          break;
      }
      if (type != FieldDescriptor::CPPTYPE_UINT64) continue;

      constexpr std::uint64_t k2Pow32 = std::uint64_t{1} << 32;
      const Decoded<Envelope> too_big = decode_envelope(wire_with(base, kind, leaves[i], k2Pow32));
      const Decoded<Envelope> max32 = decode_envelope(wire_with(base, kind, leaves[i], kMaxNode));
      EXPECT_TRUE(max32) << max32.error;
      if (cpp[i] == FieldKind::Unsigned32) {
        EXPECT_FALSE(too_big);
        EXPECT_EQ(too_big.error, kind_name + ": " + leaves[i].name() +
                                     " 4294967296 out of range (max 4294967295)");
      } else {
        EXPECT_TRUE(too_big) << too_big.error;
      }
    }
  });
}

// --- rejections ---------------------------------------------------------------------------------

std::string valid_bytes() {
  return encode_envelope(envelope_of(raft::VoteRequest{.term = 300, .last_log_index = 5}));
}

TEST(Codec, RejectsUnparsableBytes) {
  const std::string good = valid_bytes();
  // Cut inside the nested message: the length prefix promises more bytes than there are.
  const Decoded<Envelope> cut = decode_envelope(std::string_view(good).substr(0, good.size() - 1));
  EXPECT_FALSE(cut);
  EXPECT_EQ(cut.error,
            "unparsable protobuf envelope (" + std::to_string(good.size() - 1) + " bytes)");
  EXPECT_EQ(decode_envelope("\xff\xff\xff").error, "unparsable protobuf envelope (3 bytes)");
  // Field number 0 is never valid.
  EXPECT_FALSE(decode_envelope(std::string("\x00\x01", 2)));
}

TEST(Codec, RejectsAnEnvelopeWithoutAKind) {
  EXPECT_EQ(decode_envelope("").error, "no message kind set");
  wire::Envelope e;
  e.set_from(1);
  e.set_to(2);
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error, "no message kind set");
}

TEST(Codec, NamesTheNumberOfAKindFromANewerPeer) {
  wire::Envelope e;
  e.set_from(1);
  e.set_to(2);
  e.GetReflection()->MutableUnknownFields(&e)->AddLengthDelimited(77, "");
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error, "unknown message kind 77");
}

TEST(Codec, ToleratesUnknownFieldsInsideAKnownKind) {
  // A newer peer may add a field to a message; an older node reads the rest (rolling upgrades).
  wire::Envelope e;
  e.set_from(1);
  e.set_to(2);
  e.mutable_heartbeat()->set_term(9);
  e.mutable_heartbeat()
      ->GetReflection()
      ->MutableUnknownFields(e.mutable_heartbeat())
      ->AddVarint(99, 1);
  const Decoded<Envelope> got = decode_envelope(e.SerializeAsString());
  ASSERT_TRUE(got) << got.error;
  EXPECT_EQ(std::get<raft::Heartbeat>(got.value->message).term, 9u);
}

TEST(Codec, RejectsNoNodeAsSenderOrReceiver) {
  Envelope from_nobody = envelope_of(raft::TimeoutNow{.term = 1});
  from_nobody.from = kNoNode;
  EXPECT_EQ(decode_envelope(encode_envelope(from_nobody)).error, "from is 0 (no node)");
  Envelope to_nobody = envelope_of(raft::TimeoutNow{.term = 1});
  to_nobody.to = kNoNode;
  EXPECT_EQ(decode_envelope(encode_envelope(to_nobody)).error, "to is 0 (no node)");
}

TEST(Codec, RejectsSenderOrReceiverBeyondNodeIdRange) {
  wire::Envelope e;
  e.mutable_timeout_now()->set_term(1);
  e.set_from(std::uint64_t{1} << 32);
  e.set_to(2);
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error,
            "from 4294967296 out of range (max 4294967295)");
  e.set_from(1);
  e.set_to(~std::uint64_t{0});
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error,
            "to 18446744073709551615 out of range (max 4294967295)");
}

TEST(Codec, RejectsPeerStatesOutOfRange) {
  wire::Envelope e;
  e.set_from(1);
  e.set_to(2);
  e.mutable_zab_notification()->set_state(static_cast<wire::ZabPeerState>(7));
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error,
            "zab_notification: state 7 is not a peer state");
  e.mutable_zab_notification()->set_state(static_cast<wire::ZabPeerState>(-1));
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error,
            "zab_notification: state -1 is not a peer state");
  e.mutable_zab_notification()->set_state(wire::ZAB_PEER_STATE_UNSPECIFIED);
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error, "zab_notification: state unspecified");
}

TEST(Codec, ReportsTheFirstBadFieldOfAMessage) {
  wire::Envelope e;
  e.set_from(1);
  e.set_to(2);
  auto& promise = *e.mutable_paxos_promise();
  promise.mutable_promised()->set_node(std::uint64_t{1} << 40);
  promise.set_accepted_leader(std::uint64_t{1} << 33);
  EXPECT_EQ(decode_envelope(e.SerializeAsString()).error,
            "paxos_promise: promised.node 1099511627776 out of range (max 4294967295)");
}

}  // namespace
}  // namespace baton::net
