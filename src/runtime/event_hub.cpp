#include "runtime/event_hub.hpp"

#include <algorithm>

namespace baton::runtime {

struct EventHub::State {
  mutable std::mutex mu;
  LeadershipEvent current{};
  std::uint64_t sequence = 0;
  bool closed = false;
  std::vector<std::weak_ptr<Queue>> queues;

  LeadershipEvent snapshot() const {
    std::lock_guard lock(mu);
    LeadershipEvent snap = current;
    snap.kind = LeadershipEventKind::Snapshot;
    snap.sequence = sequence;
    return snap;
  }
};

// One subscriber's bounded queue. Shared between the hub (which pushes) and the subscription
// (which pops), so either may go away first.
class EventHub::Queue {
 public:
  Queue(std::shared_ptr<const State> state, std::size_t capacity)
      : state_(std::move(state)), capacity_(std::max<std::size_t>(capacity, 1)) {}

  void push(const LeadershipEvent& event) {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (fell_behind_) {
      cv_.notify_one();
      return;  // the snapshot that follows FellBehind will include this change
    }
    if (events_.size() >= capacity_) {
      events_.clear();
      fell_behind_ = true;
    } else {
      events_.push_back(event);
    }
    cv_.notify_one();
  }

  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

  std::optional<LeadershipEvent> next(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout,
                 [&] { return closed_ || fell_behind_ || owed_snapshot_ || !events_.empty(); });
    if (closed_) return std::nullopt;
    if (fell_behind_) {
      fell_behind_ = false;
      owed_snapshot_ = true;
      LeadershipEvent behind;
      behind.kind = LeadershipEventKind::FellBehind;
      return behind;
    }
    if (owed_snapshot_) {
      owed_snapshot_ = false;
      lock.unlock();
      // The hub's lock is taken without ours held: publish() holds the hub's lock while it pushes.
      return state_->snapshot();
    }
    if (events_.empty()) return std::nullopt;
    LeadershipEvent event = events_.front();
    events_.pop_front();
    return event;
  }

  void start_with(const LeadershipEvent& snapshot) {
    std::lock_guard lock(mu_);
    events_.push_back(snapshot);
  }

 private:
  std::shared_ptr<const State> state_;
  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<LeadershipEvent> events_;
  bool fell_behind_ = false;
  bool owed_snapshot_ = false;
  bool closed_ = false;
};

class EventHub::Subscription final : public EventSubscription {
 public:
  explicit Subscription(std::shared_ptr<Queue> queue) : queue_(std::move(queue)) {}
  ~Subscription() override { queue_->close(); }
  std::optional<LeadershipEvent> next(std::chrono::milliseconds timeout) override {
    return queue_->next(timeout);
  }
  void close() override { queue_->close(); }

 private:
  std::shared_ptr<Queue> queue_;
};

EventHub::EventHub() : state_(std::make_shared<State>()) {}

EventHub::~EventHub() {
  close_all();
}

LeadershipEvent EventHub::publish(LeadershipEvent event) {
  std::lock_guard lock(state_->mu);
  event.sequence = ++state_->sequence;
  state_->current = event;
  auto& queues = state_->queues;
  std::erase_if(queues, [](const std::weak_ptr<Queue>& q) { return q.expired(); });
  for (const auto& weak : queues) {
    if (auto queue = weak.lock()) queue->push(event);
  }
  return event;
}

void EventHub::set_initial(const LeadershipEvent& view) {
  std::lock_guard lock(state_->mu);
  state_->current = view;
}

LeadershipEvent EventHub::snapshot() const {
  return state_->snapshot();
}

std::unique_ptr<EventSubscription> EventHub::subscribe(std::size_t capacity) {
  auto queue = std::make_shared<Queue>(state_, capacity);
  std::lock_guard lock(state_->mu);
  LeadershipEvent snap = state_->current;
  snap.kind = LeadershipEventKind::Snapshot;
  snap.sequence = state_->sequence;
  queue->start_with(snap);
  if (state_->closed) queue->close();
  state_->queues.push_back(queue);
  return std::make_unique<Subscription>(std::move(queue));
}

void EventHub::close_all() {
  std::lock_guard lock(state_->mu);
  state_->closed = true;
  for (const auto& weak : state_->queues) {
    if (auto queue = weak.lock()) queue->close();
  }
}

}  // namespace baton::runtime
