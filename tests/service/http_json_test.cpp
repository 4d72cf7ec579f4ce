// The JSON bodies and SSE text of the HTTP API, as strings: field names, null for "none", one-line
// data, and the wire names of event kinds and outcomes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "service/api_names.hpp"
#include "service/http_api.hpp"
#include "service/http_json.hpp"

namespace baton::service {
namespace {

using nlohmann::json;

NodeStatus sample_status() {
  NodeStatus status;
  status.id = 2;
  status.algorithm = "raft";
  status.role = "leader";
  status.term = 7;
  status.leader = 2;
  status.fence_token = 42;
  status.lease_valid = true;
  status.lease_remaining_ms = 120;
  status.standing = true;
  status.peers = {{1, "127.0.0.1:7001", true, 15}, {3, "127.0.0.1:7003", false, -1}};
  return status;
}

TEST(StatusJson, HasEveryDocumentedField) {
  const json body = json::parse(status_json(sample_status()));
  EXPECT_EQ(body["id"], 2);
  EXPECT_EQ(body["algorithm"], "raft");
  EXPECT_EQ(body["role"], "leader");
  EXPECT_EQ(body["term"], 7);
  EXPECT_EQ(body["leader"], 2);
  EXPECT_EQ(body["fence_token"], 42);
  EXPECT_EQ(body["lease_valid"], true);
  EXPECT_EQ(body["lease_remaining_ms"], 120);
  EXPECT_EQ(body["standing"], true);
  ASSERT_EQ(body["peers"].size(), 2u);
  EXPECT_EQ(body["peers"][0], json::parse(R"({"id": 1, "address": "127.0.0.1:7001",
                                               "connected": true, "last_contact_ms_ago": 15})"));
  EXPECT_EQ(body.size(), 10u) << body.dump();
}

TEST(StatusJson, NoneIsNullNotZero) {
  NodeStatus status = sample_status();
  status.leader = 0;
  const json body = json::parse(status_json(status));
  EXPECT_TRUE(body["leader"].is_null());
  EXPECT_TRUE(body["peers"][1]["last_contact_ms_ago"].is_null()) << "-1 means never";
}

TEST(StatusJson, StrangeStringsStayValidJson) {
  NodeStatus status = sample_status();
  status.algorithm = "ra\"ft\n\\";
  status.peers[0].address = std::string("bad\xff utf8");
  const json body = json::parse(status_json(status));
  EXPECT_EQ(body["algorithm"], "ra\"ft\n\\");
}

TEST(LeaderJson, NamesLeaderTermAndToken) {
  EXPECT_EQ(json::parse(leader_json(sample_status())),
            json::parse(R"({"leader": 2, "term": 7, "fence_token": 42})"));
  NodeStatus status = sample_status();
  status.leader = 0;
  EXPECT_TRUE(json::parse(leader_json(status))["leader"].is_null());
}

TEST(IsMeJson, SaysWhetherThisNodeLeads) {
  const json body = json::parse(is_me_json(true, sample_status()));
  EXPECT_EQ(body["leader"], true);
  EXPECT_EQ(body["id"], 2);
  EXPECT_EQ(body["leader_id"], 2);
  EXPECT_EQ(json::parse(is_me_json(false, sample_status()))["leader"], false);
}

TEST(OutcomeJson, CarriesResultAndTarget) {
  EXPECT_EQ(outcome_json(RequestOutcome::Ok), R"({"result":"ok"})");
  EXPECT_EQ(outcome_json(RequestOutcome::NotLeader, 3), R"({"result":"not_leader","to":3})");
  EXPECT_EQ(error_json("x \"y\""), R"({"error":"x \"y\""})");
}

TEST(SseEvent, IsEventIdAndOneLineOfData) {
  LeadershipEvent event;
  event.kind = LeadershipEventKind::LeaderChanged;
  event.sequence = 9;
  event.node = 1;
  event.leader = 3;
  event.term = 5;
  event.fence_token = 77;
  event.is_leader = false;
  event.unix_ms = 1700000000123;
  const std::string text = sse_event(event);
  const std::string prefix = "event: leader_changed\nid: 9\ndata: ";
  ASSERT_EQ(text.rfind(prefix, 0), 0u) << text;
  ASSERT_EQ(text.substr(text.size() - 2), "\n\n");
  const std::string data = text.substr(prefix.size(), text.size() - prefix.size() - 2);
  EXPECT_EQ(data.find('\n'), std::string::npos);
  EXPECT_EQ(json::parse(data), json::parse(R"({"kind": "leader_changed", "sequence": 9, "node": 1,
      "leader": 3, "term": 5, "fence_token": 77, "is_leader": false, "unix_ms": 1700000000123})"));
}

TEST(SseEvent, NoLeaderIsNull) {
  LeadershipEvent event;
  event.kind = LeadershipEventKind::NoLeader;
  const std::string text = sse_event(event);
  const auto data = json::parse(text.substr(text.find("data: ") + 6));
  EXPECT_TRUE(data["leader"].is_null());
}

TEST(ApiNames, EventKinds) {
  EXPECT_STREQ(event_kind_name(LeadershipEventKind::Snapshot), "snapshot");
  EXPECT_STREQ(event_kind_name(LeadershipEventKind::Elected), "elected");
  EXPECT_STREQ(event_kind_name(LeadershipEventKind::Demoted), "demoted");
  EXPECT_STREQ(event_kind_name(LeadershipEventKind::LeaderChanged), "leader_changed");
  EXPECT_STREQ(event_kind_name(LeadershipEventKind::NoLeader), "no_leader");
  EXPECT_STREQ(event_kind_name(LeadershipEventKind::FellBehind), "fell_behind");
}

TEST(ApiNames, OutcomesAndTheirStatusCodes) {
  struct Case {
    RequestOutcome outcome;
    const char* name;
    int status;
  };
  const Case cases[] = {
      {RequestOutcome::Ok, "ok", 200},
      {RequestOutcome::NotLeader, "not_leader", 409},
      {RequestOutcome::UnknownPeer, "unknown_peer", 404},
      {RequestOutcome::NotEligible, "not_eligible", 422},
      {RequestOutcome::AlreadyLeader, "already_leader", 409},
      {RequestOutcome::NotSupported, "not_supported", 501},
      {RequestOutcome::NotRunning, "not_running", 503},
  };
  for (const Case& c : cases) {
    EXPECT_STREQ(outcome_name(c.outcome), c.name);
    EXPECT_EQ(outcome_http_status(c.outcome), c.status) << c.name;
  }
}

}  // namespace
}  // namespace baton::service
