// A NodeControl for service tests: status, metrics and request outcomes are plain fields the test
// sets; subscriptions are queues the test feeds with publish(). Like the real node, every
// subscription starts with a Snapshot of `status`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "service/node_control.hpp"

namespace baton::service::testing {

/// The queue behind one fake subscription, shared by the subscription and the node.
class FakeEventQueue {
 public:
  void push(const LeadershipEvent& event) {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    ready_.notify_all();
  }
  std::optional<LeadershipEvent> pop(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ready_.wait_for(lock, timeout, [this] { return closed_ || !events_.empty(); });
    if (closed_ || events_.empty()) return std::nullopt;
    LeadershipEvent event = events_.front();
    events_.pop_front();
    return event;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_all();
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<LeadershipEvent> events_;
  bool closed_ = false;
};

class FakeSubscription final : public EventSubscription {
 public:
  explicit FakeSubscription(std::shared_ptr<FakeEventQueue> queue) : queue_(std::move(queue)) {}
  ~FakeSubscription() override { queue_->close(); }
  std::optional<LeadershipEvent> next(std::chrono::milliseconds timeout) override {
    return queue_->pop(timeout);
  }
  void close() override { queue_->close(); }

 private:
  std::shared_ptr<FakeEventQueue> queue_;
};

class FakeNode final : public NodeControl {
 public:
  NodeStatus status() const override {
    std::lock_guard lock(mutex_);
    return status_;
  }
  NodeMetrics metrics() const override {
    std::lock_guard lock(mutex_);
    return metrics_;
  }
  bool is_leader() const override {
    std::lock_guard lock(mutex_);
    return status_.leader != 0 && status_.leader == status_.id;
  }
  std::optional<std::chrono::steady_clock::time_point> lease_valid_until() const override {
    return std::nullopt;
  }
  RequestOutcome resign() override {
    std::lock_guard lock(mutex_);
    ++resign_calls_;
    return outcome_;
  }
  RequestOutcome transfer(NodeId to) override {
    std::lock_guard lock(mutex_);
    transfers_.push_back(to);
    return outcome_;
  }
  void set_standing(bool standing) override {
    std::lock_guard lock(mutex_);
    status_.standing = standing;
  }
  std::unique_ptr<EventSubscription> subscribe(std::size_t /*capacity*/) override {
    auto queue = std::make_shared<FakeEventQueue>();
    std::lock_guard lock(mutex_);
    LeadershipEvent snapshot;
    snapshot.kind = LeadershipEventKind::Snapshot;
    snapshot.sequence = ++sequence_;
    snapshot.node = status_.id;
    snapshot.leader = status_.leader;
    snapshot.term = status_.term;
    snapshot.fence_token = status_.fence_token;
    snapshot.is_leader = status_.leader != 0 && status_.leader == status_.id;
    queue->push(snapshot);
    queues_.push_back(queue);
    subscribed_.notify_all();
    return std::make_unique<FakeSubscription>(std::move(queue));
  }

  /// Gives the event the next sequence number and delivers it to every open subscription.
  LeadershipEvent publish(LeadershipEvent event) {
    std::lock_guard lock(mutex_);
    event.sequence = ++sequence_;
    event.node = status_.id;
    for (const auto& queue : queues_) {
      if (!queue->closed()) queue->push(event);
    }
    return event;
  }

  /// Waits until `count` subscriptions were made (the SSE handler subscribes on its own thread).
  bool wait_for_subscriptions(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return subscribed_.wait_for(lock, timeout, [&] { return queues_.size() >= count; });
  }
  /// True once every subscription made so far was closed.
  bool all_subscriptions_closed() const {
    std::lock_guard lock(mutex_);
    for (const auto& queue : queues_) {
      if (!queue->closed()) return false;
    }
    return true;
  }

  void set_status(NodeStatus status) {
    std::lock_guard lock(mutex_);
    status_ = std::move(status);
  }
  void set_metrics(NodeMetrics metrics) {
    std::lock_guard lock(mutex_);
    metrics_ = std::move(metrics);
  }
  void set_outcome(RequestOutcome outcome) {
    std::lock_guard lock(mutex_);
    outcome_ = outcome;
  }
  std::vector<NodeId> transfers() const {
    std::lock_guard lock(mutex_);
    return transfers_;
  }
  int resign_calls() const {
    std::lock_guard lock(mutex_);
    return resign_calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable subscribed_;
  NodeStatus status_;
  NodeMetrics metrics_;
  RequestOutcome outcome_ = RequestOutcome::Ok;
  std::vector<NodeId> transfers_;
  int resign_calls_ = 0;
  std::uint64_t sequence_ = 0;
  std::vector<std::shared_ptr<FakeEventQueue>> queues_;
};

}  // namespace baton::service::testing
