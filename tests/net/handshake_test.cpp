#include "net/handshake.hpp"

#include <gtest/gtest.h>

namespace baton::net {
namespace {

TEST(Handshake, HelloRoundTrips) {
  const Hello hello{.wire_version = 7, .cluster_id = "prod-east", .from = 3, .to = 12};
  const auto decoded = decode_hello(encode_hello(hello));
  ASSERT_TRUE(decoded) << decoded.error;
  EXPECT_EQ(decoded.value->wire_version, 7u);
  EXPECT_EQ(decoded.value->cluster_id, "prod-east");
  EXPECT_EQ(decoded.value->from, 3u);
  EXPECT_EQ(decoded.value->to, 12u);
}

TEST(Handshake, HelloReplyRoundTrips) {
  const auto accepted = decode_hello_reply(encode_hello_reply({.accepted = true, .reason = ""}));
  ASSERT_TRUE(accepted);
  EXPECT_TRUE(accepted.value->accepted);
  const auto refused =
      decode_hello_reply(encode_hello_reply({.accepted = false, .reason = "go away"}));
  ASSERT_TRUE(refused);
  EXPECT_FALSE(refused.value->accepted);
  EXPECT_EQ(refused.value->reason, "go away");
}

TEST(Handshake, RefusalWithoutReasonGetsOne) {
  const auto refused = decode_hello_reply(encode_hello_reply({.accepted = false, .reason = ""}));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused.value->reason, "refused without a reason");
}

TEST(Handshake, BadHellosNameWhatIsWrong) {
  EXPECT_EQ(decode_hello(std::string(8, '\xff')).error, "hello: unparsable protobuf");
  EXPECT_EQ(decode_hello("").error, "hello: from is 0");
  EXPECT_EQ(decode_hello(encode_hello({.cluster_id = "c", .from = 0, .to = 2})).error,
            "hello: from is 0");
  EXPECT_EQ(decode_hello(encode_hello({.cluster_id = "c", .from = 1, .to = 0})).error,
            "hello: to is 0");
  EXPECT_EQ(decode_hello(encode_hello({.cluster_id = "", .from = 1, .to = 2})).error,
            "hello: cluster id is empty");
  EXPECT_EQ(decode_hello_reply(std::string(8, '\xff')).error, "hello reply: unparsable protobuf");
}

}  // namespace
}  // namespace baton::net
