#include "net/frame_sender.hpp"

#include "net/frame.hpp"

namespace baton::net {
namespace {

/// Frames batched into one write: enough to drain a burst in one system call, small enough that
/// a write never holds much more than one frame's worth of memory beyond the queue itself.
constexpr std::size_t kWriteBatchBytes = 64 * 1024;

}  // namespace

FrameSender::FrameSender(Connection& connection, std::size_t queue_limit_frames,
                         PeerTransportStats& stats)
    : connection_(connection), queue_limit_(queue_limit_frames), stats_(stats) {}

void FrameSender::enqueue(std::string payload) {
  if (queue_.size() >= queue_limit_) {
    // Election messages are soft state: the newest heartbeat or vote supersedes older ones, so
    // under pressure the oldest frame is the one worth least.
    queue_.pop_front();
    ++stats_.frames_dropped_queue_full;
  }
  queue_.push_back(std::move(payload));
  write_next();
}

void FrameSender::start() {
  ++generation_;
  started_ = true;
  writing_ = false;
  write_next();
}

void FrameSender::stop() {
  ++generation_;
  started_ = false;
  writing_ = false;
}

void FrameSender::write_next() {
  while (started_ && !writing_ && !queue_.empty()) {
    batch_.clear();
    std::uint64_t frames = 0;
    while (!queue_.empty() &&
           (frames == 0 || batch_.size() + queue_.front().size() <= kWriteBatchBytes)) {
      append_frame(batch_, queue_.front());
      queue_.pop_front();
      ++frames;
    }
    // Try the write on the spot: the socket is non-blocking, and an idle link's buffer has room,
    // so a heartbeat leaves in this call with no completion handler and no extra trip through
    // the event loop (a leader sends one per peer per round). Only what the kernel does not take
    // now waits for an asynchronous write.
    asio::error_code error;
    const std::size_t sent = connection_.socket().send(asio::buffer(batch_), 0, error);
    if (error && error != asio::error::would_block && error != asio::error::try_again) {
      // Frames of a failed write are lost with the connection: resending them could deliver
      // half a frame twice, and newer messages supersede them. The connection hears of it from
      // the loop, not from inside send(): ending it reports a loss to the transport's user, who
      // is in the middle of sending.
      stop();
      asio::post(connection_.socket().get_executor(),
                 [this, keep = connection_.keep_alive(), generation = generation_] {
                   if (generation == generation_) connection_.write_failed();
                 });
      return;
    }
    if (!error && sent == batch_.size()) {
      stats_.frames_sent += frames;
      continue;
    }
    write_rest(error ? 0 : sent, frames);
  }
}

void FrameSender::write_rest(std::size_t sent, std::uint64_t frames) {
  auto rest = std::make_shared<std::string>(batch_, sent);
  writing_ = true;
  asio::async_write(connection_.socket(), asio::buffer(*rest),
                    [this, keep = connection_.keep_alive(), generation = generation_, rest, frames](
                        const asio::error_code& error, std::size_t) {
                      if (generation != generation_) return;
                      writing_ = false;
                      if (error) {
                        stop();
                        connection_.write_failed();
                        return;
                      }
                      stats_.frames_sent += frames;
                      write_next();
                    });
}

}  // namespace baton::net
