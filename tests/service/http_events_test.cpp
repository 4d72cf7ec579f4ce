// GET /v1/events: the SSE stream over HTTP (snapshot first, then every event in order), the
// keepalive and close behaviour of EventStream without sockets, the stream cap, and stop() with a
// client still attached.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "service/event_stream.hpp"
#include "service/http_test_support.hpp"

namespace baton::service {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ApiUnderTest;
using testing::FakeEventQueue;
using testing::FakeSubscription;

/// A client reading /v1/events on its own thread, keeping everything it received.
class SseClient {
 public:
  explicit SseClient(const ApiUnderTest& t) : client_(t.client()) {
    thread_ = std::thread([this] {
      const auto result = client_.Get(
          "/v1/events",
          [this](const httplib::Response& response) {
            std::lock_guard lock(mutex_);
            status_ = response.status;
            content_type_ = response.get_header_value("Content-Type");
            return true;
          },
          [this](const char* data, std::size_t length) {
            std::lock_guard lock(mutex_);
            text_.append(data, length);
            changed_.notify_all();
            return !cancel_;
          });
      std::lock_guard lock(mutex_);
      finished_ = true;
      changed_.notify_all();
    });
  }
  ~SseClient() {
    cancel();
    thread_.join();
  }

  /// Waits until `count` events arrived; returns them (each "event:...\n\n" block, keepalives
  /// excluded).
  std::vector<std::string> wait_for_events(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return finished_ || events_locked().size() >= count; });
    return events_locked();
  }
  bool wait_finished(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return finished_; });
  }
  /// The client hangs up: httplib's Client::stop() shuts the socket down under the reading thread.
  void cancel() {
    cancel_ = true;
    client_.stop();
  }
  int status() {
    std::lock_guard lock(mutex_);
    return status_;
  }
  std::string content_type() {
    std::lock_guard lock(mutex_);
    return content_type_;
  }

 private:
  std::vector<std::string> events_locked() const {
    std::vector<std::string> events;
    std::size_t start = 0;
    for (std::size_t end; (end = text_.find("\n\n", start)) != std::string::npos; start = end + 2) {
      std::string block = text_.substr(start, end - start + 2);
      if (block.rfind(":", 0) != 0) events.push_back(std::move(block));
    }
    return events;
  }

  httplib::Client client_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string text_;
  int status_ = 0;
  std::string content_type_;
  bool finished_ = false;
  std::atomic<bool> cancel_{false};
};

json data_of(const std::string& event) {
  const auto at = event.find("data: ");
  return json::parse(event.substr(at + 6, event.find('\n', at) - at - 6));
}

LeadershipEvent event_of(LeadershipEventKind kind, NodeId leader, Term term) {
  LeadershipEvent event;
  event.kind = kind;
  event.leader = leader;
  event.term = term;
  event.is_leader = leader == 1;
  event.fence_token = leader == 0 ? 0 : term * 10;
  return event;
}

TEST(HttpEvents, StreamDeliversTheSnapshotThenEveryEventInOrder) {
  ApiUnderTest t;
  NodeStatus status;
  status.id = 1;
  status.leader = 2;
  status.term = 3;
  t.node.set_status(status);
  SseClient client(t);
  ASSERT_TRUE(t.node.wait_for_subscriptions(1, 2s));
  const LeadershipEvent published[] = {
      t.node.publish(event_of(LeadershipEventKind::NoLeader, 0, 3)),
      t.node.publish(event_of(LeadershipEventKind::Elected, 1, 4)),
      t.node.publish(event_of(LeadershipEventKind::Demoted, 0, 5)),
      t.node.publish(event_of(LeadershipEventKind::LeaderChanged, 3, 5)),
  };
  const std::vector<std::string> events = client.wait_for_events(5, 3s);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(client.status(), 200);
  EXPECT_EQ(client.content_type(), "text/event-stream");
  EXPECT_EQ(events[0].rfind("event: snapshot\nid: 1\n", 0), 0u) << events[0];
  EXPECT_EQ(data_of(events[0])["leader"], 2);
  EXPECT_EQ(data_of(events[0])["term"], 3);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(events[i + 1], sse_event(published[i]));
  }
  EXPECT_EQ(data_of(events[2])["kind"], "elected");
  EXPECT_EQ(data_of(events[2])["is_leader"], true);
  EXPECT_EQ(data_of(events[2])["fence_token"], 40);
}

TEST(HttpEvents, StopReturnsPromptlyWithAClientAttached) {
  ApiUnderTest t;
  SseClient client(t);
  ASSERT_TRUE(t.node.wait_for_subscriptions(1, 2s));
  ASSERT_EQ(client.wait_for_events(1, 2s).size(), 1u);
  const long long ms = testing::elapsed_ms([&] { t.api().stop(); });
  EXPECT_LT(ms, 1000) << "stop() waited for the SSE client";
  EXPECT_TRUE(client.wait_finished(2s)) << "the client's stream did not end";
  EXPECT_TRUE(t.node.all_subscriptions_closed());
}

TEST(HttpEvents, ADepartedClientReleasesItsSubscription) {
  ApiUnderTest t;
  {
    SseClient client(t);
    ASSERT_TRUE(t.node.wait_for_subscriptions(1, 2s));
    ASSERT_EQ(client.wait_for_events(1, 2s).size(), 1u);
    client.cancel();
    ASSERT_TRUE(client.wait_finished(2s));
  }
  // The server notices the hang-up at its next writability check, one poll later, without having
  // to write anything.
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (!t.node.all_subscriptions_closed() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(t.node.all_subscriptions_closed());
}

TEST(HttpEvents, StreamsAreCappedAndTheRestGet503) {
  ApiUnderTest t;
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < 4; ++i) clients.push_back(std::make_unique<SseClient>(t));
  ASSERT_TRUE(t.node.wait_for_subscriptions(4, 2s));
  for (auto& client : clients) ASSERT_EQ(client->wait_for_events(1, 2s).size(), 1u);
  const auto refused = t.client().Get("/v1/events");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(json::parse(refused->body)["error"],
            "no event stream: 4 event streams are already open");
  // The other endpoints still have threads to run on.
  const auto status = t.client().Get("/v1/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  const long long ms = testing::elapsed_ms([&] { t.api().stop(); });
  EXPECT_LT(ms, 1000);
}

// EventStream on its own, with timings short enough to watch.

LeadershipEvent elected() {
  return event_of(LeadershipEventKind::Elected, 1, 2);
}

TEST(EventStream, SendsEventsAndAKeepaliveAfterSilence) {
  auto queue = std::make_shared<FakeEventQueue>();
  EventStream stream(std::make_unique<FakeSubscription>(queue), EventStreamTiming{10ms, 60ms});
  queue->push(elected());
  EXPECT_EQ(stream.next_chunk(), sse_event(elected()));
  EXPECT_EQ(stream.next_chunk(), "") << "nothing to say before the keepalive interval";
  std::optional<std::string> chunk;
  const auto start = std::chrono::steady_clock::now();
  while ((chunk = stream.next_chunk()) && chunk->empty()) {
    ASSERT_LT(std::chrono::steady_clock::now() - start, 2s);
  }
  EXPECT_EQ(chunk, ": keepalive\n\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
  // An event resets the silence clock.
  queue->push(elected());
  EXPECT_EQ(stream.next_chunk(), sse_event(elected()));
  EXPECT_EQ(stream.next_chunk(), "");
}

TEST(EventStream, CloseWakesAWaitingReaderAndEndsTheStream) {
  auto queue = std::make_shared<FakeEventQueue>();
  EventStream stream(std::make_unique<FakeSubscription>(queue), EventStreamTiming{5000ms, 5000ms});
  std::optional<std::string> chunk = "unset";
  long long ms = 0;
  std::thread reader([&] { ms = testing::elapsed_ms([&] { chunk = stream.next_chunk(); }); });
  std::this_thread::sleep_for(20ms);
  stream.close();
  reader.join();
  EXPECT_EQ(chunk, std::nullopt);
  EXPECT_LT(ms, 1000);
  EXPECT_TRUE(queue->closed());
  EXPECT_EQ(stream.next_chunk(), std::nullopt);
}

TEST(EventStreams, CapsOpenStreamsAndRefusesAfterCloseAll) {
  EventStreams streams(2, EventStreamTiming{10ms, 1000ms});
  std::vector<std::shared_ptr<FakeEventQueue>> queues;
  const auto subscribe = [&] {
    queues.push_back(std::make_shared<FakeEventQueue>());
    return std::make_unique<FakeSubscription>(queues.back());
  };
  const auto first = streams.open(subscribe);
  const auto second = streams.open(subscribe);
  ASSERT_TRUE(first.stream && second.stream);
  const auto third = streams.open(subscribe);
  EXPECT_FALSE(third.stream);
  EXPECT_EQ(third.refusal, "2 event streams are already open");
  EXPECT_EQ(queues.size(), 2u) << "a full registry does not subscribe";

  streams.release(first.stream);
  EXPECT_EQ(streams.open_count(), 1u);
  EXPECT_TRUE(first.stream->closed());

  streams.close_all();
  EXPECT_TRUE(second.stream->closed());
  const auto late = streams.open(subscribe);
  EXPECT_FALSE(late.stream);
  EXPECT_EQ(late.refusal, "the server is stopping");
}

}  // namespace
}  // namespace baton::service
