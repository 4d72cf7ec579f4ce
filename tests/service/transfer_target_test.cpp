// Every way a client can name, or fail to name, the target of POST /v1/transfer.
#include <gtest/gtest.h>

#include "service/transfer_target.hpp"

namespace baton::service {
namespace {

TEST(TransferTarget, FromJsonBody) {
  const TransferTarget target = parse_transfer_target(R"({"to": 3})", std::nullopt);
  ASSERT_TRUE(target.ok()) << target.error;
  EXPECT_EQ(target.to, 3u);
}

TEST(TransferTarget, FromQueryOrForm) {
  const TransferTarget target = parse_transfer_target("", std::string("4"));
  ASSERT_TRUE(target.ok()) << target.error;
  EXPECT_EQ(target.to, 4u);
}

TEST(TransferTarget, BothSourcesMayAgree) {
  const TransferTarget target = parse_transfer_target(R"({"to": 5})", std::string("5"));
  ASSERT_TRUE(target.ok()) << target.error;
  EXPECT_EQ(target.to, 5u);
}

TEST(TransferTarget, JsonWithoutToLetsTheQueryDecide) {
  const TransferTarget target = parse_transfer_target("{}", std::string("6"));
  ASSERT_TRUE(target.ok()) << target.error;
  EXPECT_EQ(target.to, 6u);
}

TEST(TransferTarget, RefusalsNameTheProblem) {
  struct Case {
    const char* body;
    std::optional<std::string> field;
    const char* expected_error;
  };
  const Case cases[] = {
      {"", std::nullopt, "missing the target node; send {\"to\": <node id>} or ?to=<node id>"},
      {"  \n", std::nullopt, "missing the target node; send {\"to\": <node id>} or ?to=<node id>"},
      {"{}", std::nullopt, "missing the target node; send {\"to\": <node id>} or ?to=<node id>"},
      {"{\"to\": 0}", std::nullopt, "\"to\" must be a node id; 0 is not one (ids start at 1)"},
      {"", std::string("0"), "\"to\" must be a node id; 0 is not one (ids start at 1)"},
      {"{\"to\": -1}", std::nullopt, "\"to\" must be a node id (a positive integer), got -1"},
      {"{\"to\": 1.5}", std::nullopt, "\"to\" must be a node id (a positive integer), got 1.5"},
      {"{\"to\": \"3\"}", std::nullopt, "\"to\" must be a node id (a positive integer), got \"3\""},
      {"{\"to\": 4294967296}", std::nullopt, "\"to\" is out of range for a node id: 4294967296"},
      {"", std::string("abc"), "to=abc is not a node id (a positive integer)"},
      {"", std::string(""), "to= is not a node id (a positive integer)"},
      {"", std::string("3x"), "to=3x is not a node id (a positive integer)"},
      {"", std::string("-2"), "to=-2 is not a node id (a positive integer)"},
      {"", std::string("99999999999999999999999"),
       "\"to\" is out of range for a node id: 99999999999999999999999"},
      {"{\"to\": 3", std::nullopt,
       "the body is not valid JSON; send {\"to\": <node id>} or ?to=<node id>"},
      {"[3]", std::nullopt,
       "the body must be a JSON object; send {\"to\": <node id>} or ?to=<node id>"},
      {"{\"to\": 3}", std::string("4"), "the body names node 3 but to= names node 4"},
  };
  for (const Case& c : cases) {
    const TransferTarget target = parse_transfer_target(c.body, c.field);
    EXPECT_FALSE(target.ok()) << c.body;
    EXPECT_EQ(target.error, c.expected_error) << "body: " << c.body;
  }
}

}  // namespace
}  // namespace baton::service
