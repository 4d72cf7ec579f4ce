#include "service/event_stream.hpp"

#include <algorithm>

#include "service/http_api.hpp"

namespace baton::service {

EventStream::EventStream(std::unique_ptr<EventSubscription> subscription, EventStreamTiming timing)
    : subscription_(std::move(subscription)),
      timing_(timing),
      last_sent_(std::chrono::steady_clock::now()) {}

EventStream::~EventStream() {
  close();
}

std::optional<std::string> EventStream::next_chunk() {
  if (closed_) return std::nullopt;
  std::optional<LeadershipEvent> event = subscription_->next(timing_.poll);
  // close() may have woken next() with nothing; a closed stream sends nothing more.
  if (closed_) return std::nullopt;
  const auto now = std::chrono::steady_clock::now();
  if (event) {
    last_sent_ = now;
    return sse_event(*event);
  }
  if (now - last_sent_ >= timing_.keepalive) {
    last_sent_ = now;
    return std::string(": keepalive\n\n");
  }
  return std::string();
}

void EventStream::close() {
  if (closed_.exchange(true)) return;
  subscription_->close();
}

EventStreams::EventStreams(std::size_t max_open, EventStreamTiming timing)
    : max_open_(max_open), timing_(timing) {}

EventStreams::Opened EventStreams::open(
    const std::function<std::unique_ptr<EventSubscription>()>& subscribe) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return {nullptr, "the server is stopping"};
    if (open_.size() >= max_open_) {
      return {nullptr, std::to_string(max_open_) + " event streams are already open"};
    }
  }
  // Subscribe outside the lock: the node may take its own locks, and close_all() must not wait
  // for them. The checks are repeated below for what changed meanwhile.
  auto stream = std::make_shared<EventStream>(subscribe(), timing_);
  std::lock_guard lock(mutex_);
  if (closed_) return {nullptr, "the server is stopping"};
  if (open_.size() >= max_open_) {
    return {nullptr, std::to_string(max_open_) + " event streams are already open"};
  }
  open_.push_back(stream);
  return {std::move(stream), {}};
}

void EventStreams::release(const std::shared_ptr<EventStream>& stream) {
  stream->close();
  std::lock_guard lock(mutex_);
  open_.erase(std::remove(open_.begin(), open_.end(), stream), open_.end());
}

void EventStreams::close_all() {
  std::vector<std::shared_ptr<EventStream>> streams;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    streams = open_;
  }
  for (const auto& stream : streams) stream->close();
}

std::size_t EventStreams::open_count() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace baton::service
