// The lossless leadership event stream (issue 4): every subscriber first gets a snapshot, then
// every change in order. A slow subscriber never blocks the node: when its queue overflows it is
// told it fell behind and gets a fresh snapshot (observers in etcd and hashicorp/raft drop or merge
// these events silently, etcd#18163, hashicorp/raft#426).
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "baton/node.hpp"

namespace baton::runtime {

class EventHub {
 public:
  /// Publishes a change: stamps the next sequence number, remembers it as the current view and
  /// queues it for every subscriber. Called by the node's loop thread.
  LeadershipEvent publish(LeadershipEvent event);
  /// Sets the view before the first change (who reports, at which term), without an event.
  void set_initial(const LeadershipEvent& view);
  /// A subscription starting with a Snapshot of the current view.
  std::unique_ptr<EventSubscription> subscribe(std::size_t capacity);
  /// Ends every subscription (their next() returns nullopt).
  void close_all();
  /// The current view as a Snapshot event.
  LeadershipEvent snapshot() const;

 private:
  class Queue;
  class Subscription;
  struct State;

  // Shared with every queue, so a subscription that outlives the node can still be drained safely.
  std::shared_ptr<State> state_;

 public:
  EventHub();
  ~EventHub();
};

}  // namespace baton::runtime
