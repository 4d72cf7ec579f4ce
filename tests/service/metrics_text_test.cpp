// GET /metrics text held to promtool's rules (prometheus_lint.hpp), plus the exact lines a
// dashboard would query. The lint is itself tested on broken input so a clean result means
// something.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "service/http_api.hpp"
#include "service/prometheus_lint.hpp"

namespace baton::service {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::lint_prometheus_text;
using testing::PromFamily;

NodeMetrics busy_metrics() {
  NodeMetrics metrics;
  metrics.is_leader = true;
  metrics.term = 12;
  metrics.elections_started = 3;
  metrics.leader_changes = 4;
  metrics.deferred_reads = 5;
  metrics.beat_misses = 2;
  metrics.messages_sent = {{"append", 120}, {"vote_request", 6}};
  metrics.messages_received = {{"append_response", 118}, {"vote_response", 5}};
  metrics.malformed_frames = {{0, 1}, {3, 2}};
  metrics.peer_connected = {{1, true}, {3, false}};
  metrics.heartbeat_rtt_bucket_bounds_seconds = {0.0005, 0.001, 0.005, 0.01, 0.1};
  metrics.heartbeat_rtt_bucket_counts = {10, 40, 90, 99, 100};
  metrics.heartbeat_rtt_count = 101;
  metrics.heartbeat_rtt_sum_seconds = 0.4375;
  return metrics;
}

NodeStatus leader_status() {
  NodeStatus status;
  status.id = 2;
  status.leader = 2;
  status.fence_token = 77;
  status.lease_valid = true;
  return status;
}

TEST(MetricsText, BusyNodePassesPromtoolRules) {
  std::vector<PromFamily> families;
  EXPECT_THAT(lint_prometheus_text(render_metrics(leader_status(), busy_metrics()), &families),
              IsEmpty());
  std::vector<std::string> names;
  for (const PromFamily& family : families) names.push_back(family.name + " " + family.type);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "baton_is_leader gauge",
                       "baton_term gauge",
                       "baton_fence_token gauge",
                       "baton_lease_valid gauge",
                       "baton_elections_started_total counter",
                       "baton_leader_changes_total counter",
                       "baton_deferred_reads_total counter",
                       "baton_beat_misses_total counter",
                       "baton_messages_sent_total counter",
                       "baton_messages_received_total counter",
                       "baton_malformed_frames_total counter",
                       "baton_peer_connected gauge",
                       "baton_heartbeat_rtt_seconds histogram",
                   }));
}

TEST(MetricsText, WritesTheSamplesDashboardsQuery) {
  const std::string text = render_metrics(leader_status(), busy_metrics());
  for (const char* line : {
           "baton_is_leader 1\n",
           "baton_term 12\n",
           "baton_fence_token 77\n",
           "baton_lease_valid 1\n",
           "baton_elections_started_total 3\n",
           "baton_leader_changes_total 4\n",
           "baton_deferred_reads_total 5\n",
           "baton_beat_misses_total 2\n",
           "baton_messages_sent_total{type=\"vote_request\"} 6\n",
           "baton_messages_received_total{type=\"append_response\"} 118\n",
           "baton_malformed_frames_total{peer=\"3\"} 2\n",
           "baton_peer_connected{peer=\"1\"} 1\n",
           "baton_peer_connected{peer=\"3\"} 0\n",
           "baton_heartbeat_rtt_seconds_bucket{le=\"0.0005\"} 10\n",
           "baton_heartbeat_rtt_seconds_bucket{le=\"0.005\"} 90\n",
           "baton_heartbeat_rtt_seconds_bucket{le=\"+Inf\"} 101\n",
           "baton_heartbeat_rtt_seconds_sum 0.4375\n",
           "baton_heartbeat_rtt_seconds_count 101\n",
           "# TYPE baton_heartbeat_rtt_seconds histogram\n",
           "# HELP baton_is_leader ",
       }) {
    EXPECT_THAT(text, HasSubstr(line));
  }
}

TEST(MetricsText, IdleNodeIsStillWellFormed) {
  const std::string text = render_metrics(NodeStatus{}, NodeMetrics{});
  EXPECT_THAT(lint_prometheus_text(text), IsEmpty()) << text;
  EXPECT_THAT(text, HasSubstr("baton_heartbeat_rtt_seconds_bucket{le=\"+Inf\"} 0\n"));
  // No series, no family header: nothing to announce for messages never sent.
  EXPECT_THAT(text, ::testing::Not(HasSubstr("baton_messages_sent_total")));
}

TEST(MetricsText, AnInfiniteBoundInTheInputIsNotRepeated) {
  NodeMetrics metrics = busy_metrics();
  metrics.heartbeat_rtt_bucket_bounds_seconds.push_back(INFINITY);
  metrics.heartbeat_rtt_bucket_counts.push_back(101);
  EXPECT_THAT(lint_prometheus_text(render_metrics(NodeStatus{}, metrics)), IsEmpty());
}

TEST(MetricsText, LabelValuesAreEscaped) {
  NodeMetrics metrics;
  metrics.messages_sent = {{"a\"b\\c\nd", 1}};
  const std::string text = render_metrics(NodeStatus{}, metrics);
  EXPECT_THAT(text, HasSubstr("baton_messages_sent_total{type=\"a\\\"b\\\\c\\nd\"} 1\n"));
  std::vector<PromFamily> families;
  EXPECT_THAT(lint_prometheus_text(text, &families), IsEmpty());
  for (const PromFamily& family : families) {
    if (family.name != "baton_messages_sent_total") continue;
    ASSERT_EQ(family.samples.size(), 1u);
    EXPECT_EQ(family.samples[0].labels.at(0).second, "a\"b\\c\nd");
  }
}

// The checker itself: each broken exposition must be caught.
TEST(PrometheusLint, CatchesBrokenExpositions) {
  struct Case {
    const char* text;
    const char* expected_error;
  };
  const Case cases[] = {
      {"# HELP x_count c\n# TYPE x_count counter\nx_count 1\n", "should have a _total suffix"},
      {"# HELP g_total g\n# TYPE g_total gauge\ng_total 1\n", "should not have a _total suffix"},
      {"# TYPE g gauge\ng 1\n", "HELP lines != 1"},
      {"# HELP g g\n# HELP g g\n# TYPE g gauge\ng 1\n", "HELP lines != 1"},
      {"# HELP g g\n# TYPE g gauge\ng 1\n# HELP h h\n# TYPE h gauge\nh 1\n# HELP g g\n",
       "appears twice"},
      {"# HELP g g\n# TYPE g gauge\ng 1\ng 2\n", "duplicate series"},
      {"# HELP g g\n# TYPE g gauge\nh 1\n", "is not in the block"},
      {"# HELP g g\n# TYPE g gauge\ng{a=\"x\\q\"} 1\n", "bad escape"},
      {"# HELP g g\n# TYPE g gauge\ng one\n", "bad value"},
      {"# HELP d_ms d\n# TYPE d_ms gauge\nd_ms 1\n", "base units"},
      {"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_sum 1\nh_count 2\n",
       "do not end with le=\"+Inf\""},
      {"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\n"
       "h_sum 1\nh_count 2\n",
       "not cumulative"},
      {"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\n"
       "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n",
       "not strictly ascending"},
      {"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_sum 1\nh_count 2\n",
       "differs from _count"},
      {"# HELP h h\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n", "no _sum"},
  };
  for (const Case& c : cases) {
    const std::vector<std::string> errors = lint_prometheus_text(c.text);
    EXPECT_THAT(errors, ::testing::Contains(HasSubstr(c.expected_error))) << c.text;
  }
}

}  // namespace
}  // namespace baton::service
