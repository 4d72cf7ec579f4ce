// GET /v1/events without the HTTP: one client's leadership event subscription turned into
// server-sent event text, with keepalive comments, and the registry of open streams that lets
// stop() end them. The server loop only moves the text to the socket.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "baton/node.hpp"

namespace baton::service {

/// Timing of an event stream.
struct EventStreamTiming {
  /// Longest a server thread waits for an event before it checks the client and the stop flag
  /// again; bounds how long a departed client or stop() waits for the stream to notice.
  std::chrono::milliseconds poll{200};
  /// Silence after which a `: keepalive` comment is sent, so proxies with idle timeouts keep the
  /// connection and a vanished client is detected by a failed write.
  std::chrono::milliseconds keepalive{5000};
};

/// One client's stream. next_chunk() is called by the one server thread serving the client;
/// close() may come from any thread.
class EventStream {
 public:
  EventStream(std::unique_ptr<EventSubscription> subscription, EventStreamTiming timing);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  /// Waits up to timing.poll. Returns one event's text (see sse_event), a keepalive comment once
  /// timing.keepalive passed without anything sent, "" when there is nothing to send yet, or
  /// nullopt once the stream is closed.
  std::optional<std::string> next_chunk();
  /// Ends the stream and wakes a thread waiting in next_chunk(). Idempotent.
  void close();
  bool closed() const { return closed_.load(); }

 private:
  std::unique_ptr<EventSubscription> subscription_;
  EventStreamTiming timing_;
  std::atomic<bool> closed_{false};
  std::chrono::steady_clock::time_point last_sent_;
};

/// The open streams of one server. Bounded, because each open stream holds one of the server's
/// threads for as long as the client stays: the cap keeps threads free for the other endpoints.
class EventStreams {
 public:
  /// A new stream, or why there is none (refusal says so: stopping, or too many open).
  struct Opened {
    std::shared_ptr<EventStream> stream;
    std::string refusal;
  };

  EventStreams(std::size_t max_open, EventStreamTiming timing);

  /// Subscribes (through `subscribe`) and registers a stream, unless the registry is closed or
  /// max_open streams are open.
  Opened open(const std::function<std::unique_ptr<EventSubscription>()>& subscribe);
  /// Forgets a stream whose client is gone; closes it.
  void release(const std::shared_ptr<EventStream>& stream);
  /// Closes every open stream and refuses new ones from now on (server stop).
  void close_all();
  std::size_t open_count() const;

 private:
  const std::size_t max_open_;
  const EventStreamTiming timing_;
  mutable std::mutex mutex_;
  bool closed_ = false;
  std::vector<std::shared_ptr<EventStream>> open_;
};

}  // namespace baton::service
