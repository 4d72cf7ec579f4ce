// HttpApi: owns the cpp-httplib server, binds it where asked, serves on its own thread (httplib
// then hands each connection to its thread pool), and stops without waiting on SSE clients.
#include "service/http_api.hpp"

#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "service/event_stream.hpp"
#include "service/http_routes.hpp"

namespace baton::service {
namespace {

/// httplib serves each connection on one thread of a pool of at least 8; an SSE client keeps its
/// thread. Four streams leave the other threads for status, is-me probes and metrics.
constexpr std::size_t kMaxEventStreams = 4;
/// An idle keep-alive connection holds a pool thread, and stop() joins the pool, so this bounds
/// how long stop() can wait for a silent client (httplib's default is 5 s).
constexpr time_t kKeepAliveTimeoutSeconds = 1;
constexpr time_t kReadTimeoutSeconds = 2;

struct HostPort {
  std::string host;
  int port = 0;
};

/// "host:port", "[v6]:port". A missing host is refused rather than read as "every interface":
/// the API binds only where it was told to.
HostPort parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const auto bad = [&listen](const char* why) {
    return std::runtime_error("HTTP listen address \"" + listen + "\" " + why);
  };
  if (colon == std::string::npos) throw bad("is not host:port");
  HostPort where;
  where.host = listen.substr(0, colon);
  if (where.host.size() >= 2 && where.host.front() == '[' && where.host.back() == ']') {
    where.host = where.host.substr(1, where.host.size() - 2);
  }
  if (where.host.empty()) throw bad("has no host (use 0.0.0.0 to mean every interface)");
  const std::string port = listen.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), where.port);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || where.port < 0 ||
      where.port > 65535) {
    throw bad("has no valid port (0-65535)");
  }
  return where;
}

}  // namespace

class HttpApi::Impl {
 public:
  Impl(NodeControl& node, HttpApiOptions options)
      : options_(std::move(options)), streams_(kMaxEventStreams, EventStreamTiming{}) {
    add_routes(server_, node, streams_);
    server_.set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
    server_.set_read_timeout(kReadTimeoutSeconds);
    // httplib's default also sets SO_REUSEPORT, which lets a second daemon bind the same port and
    // silently take half the requests: load balancers probing is-me would reach either node.
    // SO_REUSEADDR alone still allows a quick restart while old connections sit in TIME_WAIT.
    server_.set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // SSE writes are small and must not wait for the previous one's ACK (Nagle).
    server_.set_tcp_nodelay(true);
  }

  ~Impl() { stop(); }

  void start() {
    std::lock_guard lock(lifecycle_);
    if (started_) throw std::runtime_error("HTTP API on " + options_.listen + " already started");
    const HostPort where = parse_listen(options_.listen);
    errno = 0;
    const int port = where.port == 0 ? server_.bind_to_any_port(where.host)
                     : server_.bind_to_port(where.host, where.port) ? where.port
                                                                    : -1;
    if (port < 0) {
      std::string message = "cannot listen for HTTP on " + options_.listen;
      if (errno != 0) message += std::string(": ") + std::strerror(errno);
      throw std::runtime_error(message);
    }
    port_ = static_cast<std::uint16_t>(port);
    started_ = true;
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      listen_returned_ = true;
    });
    // httplib's stop() does nothing until the accept loop runs; wait for it so a stop() right
    // after start() cannot miss it and then block in join(). The socket is already listening, so
    // clients that connect meanwhile just wait in the backlog.
    while (!server_.is_running() && !listen_returned_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void stop() {
    std::lock_guard lock(lifecycle_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    // Streams first: a stream's thread waits in the subscription, and httplib's stop() joins the
    // pool, so an open stream would otherwise hold stop() until its client left.
    streams_.close_all();
    server_.stop();
    thread_.join();
  }

  std::uint16_t port() const { return port_; }

 private:
  const HttpApiOptions options_;
  EventStreams streams_;
  httplib::Server server_;
  std::thread thread_;
  std::atomic<bool> listen_returned_{false};
  std::mutex lifecycle_;
  bool started_ = false;
  bool stopped_ = false;
  std::uint16_t port_ = 0;
};

HttpApi::HttpApi(NodeControl& node, HttpApiOptions options)
    : impl_(std::make_unique<Impl>(node, std::move(options))) {}

HttpApi::~HttpApi() = default;

void HttpApi::start() {
  impl_->start();
}

void HttpApi::stop() {
  impl_->stop();
}

std::uint16_t HttpApi::port() const {
  return impl_->port();
}

}  // namespace baton::service
