// A NodeControl whose leadership, lease deadline and peers the test sets, and whose event stream
// the test feeds, for the run-while-leader and health-abdication tests. Its own namespace keeps it
// apart from other fakes linked into service_tests.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "service/node_control.hpp"

namespace baton::service::exec_test {

using Clock = std::chrono::steady_clock;

/// The queue behind one subscription; the fake keeps a pointer to push into it.
struct FakeQueue {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<LeadershipEvent> events;
  bool closed = false;
};

class FakeSubscription final : public EventSubscription {
 public:
  explicit FakeSubscription(std::shared_ptr<FakeQueue> queue) : queue_(std::move(queue)) {}
  std::optional<LeadershipEvent> next(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(queue_->mutex);
    queue_->cv.wait_for(lock, timeout, [&] { return queue_->closed || !queue_->events.empty(); });
    if (queue_->closed || queue_->events.empty()) return std::nullopt;
    auto event = queue_->events.front();
    queue_->events.pop_front();
    return event;
  }
  void close() override {
    std::lock_guard lock(queue_->mutex);
    queue_->closed = true;
    queue_->cv.notify_all();
  }

 private:
  std::shared_ptr<FakeQueue> queue_;
};

class FakeNode final : public NodeControl {
 public:
  explicit FakeNode(NodeId id = 7) : id_(id) {}

  // --- what the test controls ---

  /// This node wins: is_leader, an Elected event, and a lease that ends at `lease_until`.
  void elect(Term term, FenceToken token, std::optional<Clock::time_point> lease_until) {
    {
      std::lock_guard lock(mutex_);
      leader_ = true;
      term_ = term;
      token_ = token;
      lease_ = lease_until;
    }
    push(LeadershipEventKind::Elected);
  }
  /// This node stops leading: a Demoted event, no lease.
  void demote() {
    {
      std::lock_guard lock(mutex_);
      leader_ = false;
      lease_.reset();
    }
    push(LeadershipEventKind::Demoted);
  }
  void set_lease(std::optional<Clock::time_point> until) {
    std::lock_guard lock(mutex_);
    lease_ = until;
  }
  void set_peers(std::vector<PeerStatus> peers) {
    std::lock_guard lock(mutex_);
    peers_ = std::move(peers);
  }
  /// When true, resign() and an accepted transfer() demote this node as a real one would.
  void set_requests_demote(bool on) {
    std::lock_guard lock(mutex_);
    requests_demote_ = on;
  }

  int resign_calls() const {
    std::lock_guard lock(mutex_);
    return resign_calls_;
  }
  std::vector<NodeId> transfers() const {
    std::lock_guard lock(mutex_);
    return transfers_;
  }
  std::vector<bool> standing_calls() const {
    std::lock_guard lock(mutex_);
    return standing_calls_;
  }

  // --- NodeControl ---

  NodeStatus status() const override {
    std::lock_guard lock(mutex_);
    NodeStatus s;
    s.id = id_;
    s.role = leader_ ? "leader" : "follower";
    s.term = term_;
    s.leader = leader_ ? id_ : 0;
    s.fence_token = token_;
    s.lease_valid = lease_.has_value();
    s.peers = peers_;
    return s;
  }
  NodeMetrics metrics() const override { return {}; }
  bool is_leader() const override {
    std::lock_guard lock(mutex_);
    return leader_;
  }
  std::optional<Clock::time_point> lease_valid_until() const override {
    std::lock_guard lock(mutex_);
    return lease_;
  }
  RequestOutcome resign() override {
    bool demote_now = false;
    {
      std::lock_guard lock(mutex_);
      ++resign_calls_;
      if (!leader_) return RequestOutcome::NotLeader;
      demote_now = requests_demote_;
    }
    if (demote_now) demote();
    return RequestOutcome::Ok;
  }
  RequestOutcome transfer(NodeId to) override {
    bool demote_now = false;
    {
      std::lock_guard lock(mutex_);
      transfers_.push_back(to);
      if (!leader_) return RequestOutcome::NotLeader;
      demote_now = requests_demote_;
    }
    if (demote_now) demote();
    return RequestOutcome::Ok;
  }
  void set_standing(bool standing) override {
    std::lock_guard lock(mutex_);
    standing_calls_.push_back(standing);
  }
  std::unique_ptr<EventSubscription> subscribe(std::size_t) override {
    auto queue = std::make_shared<FakeQueue>();
    std::lock_guard lock(mutex_);
    queue->events.push_back(event_locked(LeadershipEventKind::Snapshot));
    queues_.push_back(queue);
    return std::make_unique<FakeSubscription>(queue);
  }

 private:
  LeadershipEvent event_locked(LeadershipEventKind kind) {
    LeadershipEvent e;
    e.kind = kind;
    e.sequence = ++sequence_;
    e.node = id_;
    e.leader = leader_ ? id_ : 0;
    e.term = term_;
    e.fence_token = token_;
    e.is_leader = leader_;
    e.at = Clock::now();
    return e;
  }
  void push(LeadershipEventKind kind) {
    std::lock_guard lock(mutex_);
    const auto event = event_locked(kind);
    for (auto& queue : queues_) {
      std::lock_guard queue_lock(queue->mutex);
      queue->events.push_back(event);
      queue->cv.notify_all();
    }
  }

  const NodeId id_;
  mutable std::mutex mutex_;
  bool leader_ = false;
  Term term_ = 0;
  FenceToken token_ = 0;
  std::optional<Clock::time_point> lease_;
  std::vector<PeerStatus> peers_;
  bool requests_demote_ = false;
  int resign_calls_ = 0;
  std::vector<NodeId> transfers_;
  std::vector<bool> standing_calls_;
  std::uint64_t sequence_ = 0;
  std::vector<std::shared_ptr<FakeQueue>> queues_;
};

}  // namespace baton::service::exec_test
