// Every endpoint of docs/http-api.md over real HTTP on 127.0.0.1, against a FakeNode: status
// codes, bodies, content types, transfer input errors, 404/405, and binding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "service/http_json.hpp"
#include "service/http_test_support.hpp"
#include "service/prometheus_lint.hpp"

namespace baton::service {
namespace {

using nlohmann::json;
using testing::ApiUnderTest;
using ::testing::HasSubstr;

NodeStatus leader_status() {
  NodeStatus status;
  status.id = 1;
  status.algorithm = "raft";
  status.role = "leader";
  status.term = 4;
  status.leader = 1;
  status.fence_token = 9;
  status.peers = {{2, "127.0.0.1:7002", true, 3}};
  return status;
}

NodeStatus follower_status() {
  NodeStatus status = leader_status();
  status.role = "follower";
  status.leader = 2;
  return status;
}

json body_of(const httplib::Result& result) {
  return json::parse(result->body);
}

TEST(HttpApi, StatusServesStatusJson) {
  ApiUnderTest t;
  t.node.set_status(leader_status());
  const auto result = t.client().Get("/v1/status");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(result->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(result->body, status_json(leader_status()));
  EXPECT_EQ(body_of(result)["role"], "leader");
}

TEST(HttpApi, LeaderNamesLeaderTermAndToken) {
  ApiUnderTest t;
  t.node.set_status(follower_status());
  const auto result = t.client().Get("/v1/leader");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(body_of(result), json::parse(R"({"leader": 2, "term": 4, "fence_token": 9})"));

  NodeStatus none = follower_status();
  none.leader = 0;
  t.node.set_status(none);
  const auto unknown = t.client().Get("/v1/leader");
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(body_of(unknown)["leader"].is_null());
}

TEST(HttpApi, IsMeIs200OnTheLeaderAnd503Elsewhere) {
  ApiUnderTest t;
  t.node.set_status(leader_status());
  const auto leader = t.client().Get("/v1/leader/is-me");
  ASSERT_TRUE(leader);
  EXPECT_EQ(leader->status, 200);
  EXPECT_EQ(body_of(leader)["leader"], true);

  t.node.set_status(follower_status());
  const auto follower = t.client().Get("/v1/leader/is-me");
  ASSERT_TRUE(follower);
  EXPECT_EQ(follower->status, 503);
  EXPECT_EQ(body_of(follower)["leader"], false);
  EXPECT_EQ(body_of(follower)["leader_id"], 2);

  // Load balancers often probe with HEAD: same status, no body.
  const auto head = t.client().Head("/v1/leader/is-me");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 503);
}

TEST(HttpApi, HealthzSaysOk) {
  ApiUnderTest t;
  const auto result = t.client().Get("/healthz");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "ok");
}

TEST(HttpApi, ResignMapsEveryOutcomeToItsStatus) {
  ApiUnderTest t;
  const std::pair<RequestOutcome, int> cases[] = {
      {RequestOutcome::Ok, 200},
      {RequestOutcome::NotLeader, 409},
      {RequestOutcome::UnknownPeer, 404},
      {RequestOutcome::NotEligible, 422},
      {RequestOutcome::AlreadyLeader, 409},
      {RequestOutcome::NotSupported, 501},
      {RequestOutcome::NotRunning, 503},
  };
  auto client = t.client();
  for (const auto& [outcome, status] : cases) {
    t.node.set_outcome(outcome);
    const auto result = client.Post("/v1/resign");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, status);
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(result->body, outcome_json(outcome));
  }
  EXPECT_EQ(t.node.resign_calls(), 7);
}

TEST(HttpApi, TransferTakesAJsonBodyAQueryOrAForm) {
  ApiUnderTest t;
  auto client = t.client();
  const auto json_body = client.Post("/v1/transfer", R"({"to": 3})", "application/json");
  ASSERT_TRUE(json_body);
  EXPECT_EQ(json_body->status, 200);
  EXPECT_EQ(body_of(json_body), json::parse(R"({"result": "ok", "to": 3})"));
  const auto query = client.Post("/v1/transfer?to=4");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 200);
  const auto form = client.Post("/v1/transfer", "to=5", "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 200);
  EXPECT_EQ(t.node.transfers(), (std::vector<NodeId>{3, 4, 5}));
}

TEST(HttpApi, TransferOutcomesMapToStatusCodes) {
  ApiUnderTest t;
  t.node.set_outcome(RequestOutcome::UnknownPeer);
  const auto result = t.client().Post("/v1/transfer?to=8");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(body_of(result), json::parse(R"({"result": "unknown_peer", "to": 8})"));
}

TEST(HttpApi, TransferInputErrorsAre400WithAMessage) {
  ApiUnderTest t;
  auto client = t.client();
  const std::pair<httplib::Result, const char*> cases[] = {
      {client.Post("/v1/transfer"), "missing the target node"},
      {client.Post("/v1/transfer", "{}", "application/json"), "missing the target node"},
      {client.Post("/v1/transfer?to=abc"), "to=abc is not a node id"},
      {client.Post("/v1/transfer?to=0"), "0 is not one"},
      {client.Post("/v1/transfer", R"({"to": 0})", "application/json"), "0 is not one"},
      {client.Post("/v1/transfer", R"({"to": "three"})", "application/json"), R"(got "three")"},
      {client.Post("/v1/transfer", "{to: 3}", "application/json"), "not valid JSON"},
      {client.Post("/v1/transfer", "to=x", "application/x-www-form-urlencoded"),
       "to=x is not a node id"},
  };
  for (const auto& [result, message] : cases) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400);
    EXPECT_THAT(body_of(result)["error"].get<std::string>(), HasSubstr(message));
  }
  EXPECT_TRUE(t.node.transfers().empty());
}

TEST(HttpApi, UnknownPathIs404Json) {
  ApiUnderTest t;
  const auto result = t.client().Get("/v2/nothing");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(body_of(result)["error"], "no endpoint GET /v2/nothing");
}

TEST(HttpApi, WrongMethodIs405WithAllow) {
  ApiUnderTest t;
  auto client = t.client();
  const auto del = client.Delete("/v1/status");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  EXPECT_EQ(del->get_header_value("Allow"), "GET");
  EXPECT_EQ(body_of(del)["error"], "DELETE is not allowed on /v1/status; use GET");

  const auto get = client.Get("/v1/resign");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");

  const auto put = client.Put("/v1/transfer", R"({"to": 3})", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(t.node.resign_calls(), 0);
  EXPECT_TRUE(t.node.transfers().empty());
}

TEST(HttpApi, MetricsAreServedAsPrometheusText) {
  ApiUnderTest t;
  NodeMetrics metrics;
  metrics.term = 4;
  metrics.messages_sent = {{"append", 3}};
  t.node.set_metrics(metrics);
  t.node.set_status(leader_status());
  const auto result = t.client().Get("/metrics");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(result->body, render_metrics(leader_status(), metrics));
  EXPECT_THAT(testing::lint_prometheus_text(result->body), ::testing::IsEmpty());
}

TEST(HttpApi, PortZeroPicksAFreePort) {
  ApiUnderTest t;
  EXPECT_NE(t.port(), 0);
}

TEST(HttpApi, StartThrowsNamingTheAddressItCannotBind) {
  ApiUnderTest t;
  testing::FakeNode node;
  const std::string taken = "127.0.0.1:" + std::to_string(t.port());
  HttpApi second(node, HttpApiOptions{taken});
  try {
    second.start();
    FAIL() << "bound a port already in use";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(taken));
  }
}

TEST(HttpApi, StartRefusesMalformedListenAddresses) {
  testing::FakeNode node;
  for (const char* listen : {"127.0.0.1", ":8080", "127.0.0.1:http", "127.0.0.1:70000"}) {
    HttpApi api(node, HttpApiOptions{listen});
    try {
      api.start();
      ADD_FAILURE() << "accepted " << listen;
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr(listen));
    }
  }
}

TEST(HttpApi, StopIsIdempotentAndEndsService) {
  ApiUnderTest t;
  auto client = t.client();
  ASSERT_TRUE(client.Get("/healthz"));
  t.api().stop();
  t.api().stop();
  EXPECT_FALSE(t.client().Get("/healthz"));
}

TEST(HttpApi, AnIdleKeepAliveClientDelaysStopByAtMostTheKeepAliveTimeout) {
  ApiUnderTest t;
  auto client = t.client();
  client.set_keep_alive(true);
  ASSERT_TRUE(client.Get("/healthz"));
  // httplib waits out an idle keep-alive connection before its pool joins; HttpApi sets 1 s.
  EXPECT_LT(testing::elapsed_ms([&] { t.api().stop(); }), 2500);
}

TEST(HttpApi, StopRightAfterStartReturns) {
  testing::FakeNode node;
  HttpApi api(node, HttpApiOptions{"127.0.0.1:0"});
  const long long ms = testing::elapsed_ms([&] {
    api.start();
    api.stop();
  });
  EXPECT_LT(ms, 1000);
}

}  // namespace
}  // namespace baton::service
