// TcpTransport: owns the listening socket, one OutgoingLink per peer and the accepted
// IncomingConnections, picks the connection each frame goes out on, and does the per-peer
// accounting. The connections themselves
// live in tcp_connection_out.cpp and tcp_connection_in.cpp.
#include "net/tcp_transport.hpp"

#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "net/address.hpp"
#include "net/handshake.hpp"
#include "net/tcp_connection_in.hpp"
#include "net/tcp_connection_out.hpp"

namespace baton::net {
namespace {

/// Accepted connections still waiting for their Hello. Bounds what port scanners or a flood of
/// half-open clients can hold; members dial once each, so a healthy cluster is far below it.
constexpr std::size_t kMaxPendingHandshakes = 64;

/// Ids quoted in refusal reasons are cut here: the reason is logged, the id is attacker-chosen.
std::string quoted(std::string_view id) {
  constexpr std::size_t kShown = 64;
  if (id.size() <= kShown) return "'" + std::string(id) + "'";
  return "'" + std::string(id.substr(0, kShown)) + "...'";
}

void check_config(const TransportConfig& config) {
  if (config.self == kNoNode) throw std::invalid_argument("transport: self node id is 0");
  if (config.cluster_id.empty()) throw std::invalid_argument("transport: cluster id is empty");
  for (const auto& [id, address] : config.peers) {
    if (id == kNoNode) throw std::invalid_argument("transport: peer id 0 is not a node id");
    if (id == config.self) {
      throw std::invalid_argument("transport: node " + std::to_string(id) +
                                  " lists itself as a peer");
    }
  }
  if (config.queue_limit_frames == 0) {
    throw std::invalid_argument("transport: queue_limit_frames must be at least 1");
  }
  if (config.reconnect_backoff_min.count() <= 0 ||
      config.reconnect_backoff_max < config.reconnect_backoff_min) {
    throw std::invalid_argument(
        "transport: need 0 < reconnect_backoff_min <= reconnect_backoff_max");
  }
  if (config.handshake_timeout.count() <= 0) {
    throw std::invalid_argument("transport: handshake_timeout must be positive");
  }
}

}  // namespace

class TcpTransport::Impl final : public IncomingConnection::Owner {
 public:
  Impl(asio::io_context& io, TransportConfig config, Handlers handlers)
      : io_(io), config_(std::move(config)), handlers_(std::move(handlers)), acceptor_(io) {
    check_config(config_);
    listen_ = parse_host_port(config_.listen, "listen", /*allow_port_zero=*/true);
    for (const auto& [id, address] : config_.peers) {
      OutgoingLink::Settings settings{
          .self = config_.self,
          .peer = id,
          .cluster_id = config_.cluster_id,
          .address = parse_host_port(address, "peer " + std::to_string(id), false),
          .queue_limit_frames = config_.queue_limit_frames,
          .backoff_min = config_.reconnect_backoff_min,
          .backoff_max = config_.reconnect_backoff_max,
          .handshake_timeout = config_.handshake_timeout,
          .offer_sharing = config_.share_connections};
      links_.emplace(
          id,
          std::make_shared<OutgoingLink>(
              io_, std::move(settings), stats_[id],
              [this](NodeId peer, const std::string& what) { report(peer, what); },
              OutgoingLink::Input{
                  .frame = [this](NodeId peer, std::string_view payload) { frame(peer, payload); },
                  .carrying = [this](NodeId peer,
                                     bool carrying) { link_carrying(peer, carrying); }}));
    }
  }

  ~Impl() { stop(); }

  void start() {
    if (stopped_) throw std::logic_error("transport: start() after stop()");
    if (started_) return;
    listen();
    started_ = true;
    accept_next();
    for (auto& [id, link] : links_) link->start();
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    asio::error_code ignored;
    acceptor_.close(ignored);
    for (auto& [id, link] : links_) link->close();
    for (auto& [id, connection] : incoming_) {
      connection->close();
      stats_[id].incoming_connected = false;
      stats_[id].shared_connection = false;
    }
    incoming_.clear();
    for (const auto& connection : pending_) connection->close();
    pending_.clear();
  }

  void send(NodeId to, std::string payload) {
    if (payload.empty() || payload.size() > kMaxFramePayloadBytes) {
      // Either would look like a broken stream to the receiver and cost us the connection.
      throw std::invalid_argument("transport: payload of " + std::to_string(payload.size()) +
                                  " bytes cannot be framed (1.." +
                                  std::to_string(kMaxFramePayloadBytes) + ")");
    }
    const auto link = links_.find(to);
    if (link == links_.end() || stopped_) return;
    // A peer with a lower id reads our frames on the connection it dialed, when it shares it.
    if (const auto shared = incoming_.find(to);
        shared != incoming_.end() && shared->second->shared()) {
      shared->second->send(std::move(payload));
      return;
    }
    link->second->enqueue(std::move(payload));
  }

  std::uint16_t local_port() const {
    asio::error_code error;
    const auto endpoint = acceptor_.local_endpoint(error);
    return error ? 0 : endpoint.port();
  }

  PeerTransportStats peer_stats(NodeId peer) const {
    const auto found = stats_.find(peer);
    return found == stats_.end() ? PeerTransportStats{} : found->second;
  }

  std::uint64_t anonymous_malformed_frames() const { return anonymous_malformed_; }

  void set_input_deferred(bool deferred, NodeId only_from) {
    if (!deferred) only_from = kNoNode;
    if (deferred == input_deferred_ && only_from == deferred_from_) return;
    input_deferred_ = deferred;
    deferred_from_ = only_from;
    for (auto& [id, connection] : incoming_) connection->set_deferred(defers_incoming(id));
    for (auto& [id, link] : links_) link->set_deferred(defers(id));
  }

  /// Whether the connection `peer` dialed to us defers: never while our shared link carries its
  /// frames, so that a frame it still sends there (one already in flight when we shared) wakes
  /// us instead of waiting for a read that never comes.
  bool defers_incoming(NodeId peer) const { return defers(peer) && !link_shared(peer); }
  bool link_shared(NodeId peer) const {
    const auto link = links_.find(peer);
    return link != links_.end() && link->second->shared();
  }

  bool defers(NodeId peer) const {
    return input_deferred_ && (deferred_from_ == kNoNode || deferred_from_ == peer);
  }

  std::size_t read_deferred_input() {
    if (!input_deferred_) return 0;
    // Frames are handed to the runtime during the loop, and it may stop the transport or a
    // connection may end: walk a copy.
    std::vector<std::shared_ptr<IncomingConnection>> connections;
    connections.reserve(incoming_.size());
    for (const auto& [id, connection] : incoming_) {
      // A peer whose frames come on our shared link leaves its own connection idle (and not
      // deferred): reading it would cost a recv that finds nothing, every round.
      if (!link_shared(id)) connections.push_back(connection);
    }
    std::size_t waiting = 0;
    for (const auto& connection : connections) {
      if (stopped_) break;
      waiting += connection->read_deferred() ? 1 : 0;
    }
    // Links are never replaced, but a frame may stop the transport.
    for (const auto& [id, link] : links_) {
      if (stopped_) break;
      waiting += link->read_deferred() ? 1 : 0;
    }
    return waiting;
  }

  // IncomingConnection::Owner

  IncomingConnection::Admission admit(const Hello& hello) override {
    std::string reason;
    if (hello.wire_version != kWireVersion) {
      reason = "wire version " + std::to_string(hello.wire_version) + " does not match node " +
               std::to_string(config_.self) + "'s wire version " + std::to_string(kWireVersion);
    } else if (hello.cluster_id != config_.cluster_id) {
      reason = "cluster id " + quoted(hello.cluster_id) + " does not match node " +
               std::to_string(config_.self) + "'s cluster id " + quoted(config_.cluster_id);
    } else if (hello.to != config_.self) {
      reason = "hello addressed to node " + std::to_string(hello.to) + " reached node " +
               std::to_string(config_.self);
    } else if (!config_.peers.contains(hello.from)) {
      reason = "node " + std::to_string(hello.from) + " is not a member of cluster " +
               quoted(config_.cluster_id);
    }
    // A refused connection never completed a handshake, so it is counted anonymously even when
    // the Hello names a member: a node of another cluster may well reuse our ids.
    if (!reason.empty()) {
      ++anonymous_malformed_;
      report(hello.from, "refused hello: " + reason);
      return {.refusal = reason, .shared_stats = nullptr};
    }
    // Only the connection the lower id dialed is shared, so both ends agree on one per pair.
    const bool share =
        config_.share_connections && hello.share_connection && hello.from < config_.self;
    return {.refusal = {}, .shared_stats = share ? &stats_[hello.from] : nullptr};
  }

  void handshaken(const std::shared_ptr<IncomingConnection>& connection) override {
    pending_.erase(connection);
    const NodeId from = connection->peer();
    auto& slot = incoming_[from];
    // The peer dialed again, so its old connection is dead even if we have not noticed yet
    // (a peer that restarted, or a half-open connection). Replacing it is not a loss.
    if (slot) slot->close();
    slot = connection;
    connection->set_deferred(defers_incoming(from));
    stats_[from].incoming_connected = true;
    input_lost_reported_[from] = false;
    if (from < config_.self) stats_[from].shared_connection = connection->shared();
    if (const auto link = links_.find(from); link != links_.end()) {
      // Frames that waited for our own connection to a peer that restarted go first on the
      // shared one, so the peer gets them in the order they were sent (all but a write already
      // in flight on our own connection, which may arrive after them).
      if (connection->shared()) {
        for (auto& payload : link->second->take_queued()) connection->send(std::move(payload));
      }
      link->second->peer_is_up();
    }
  }

  void frame(NodeId from, std::string_view payload) override {
    // Its frames arrive, so a connection carries them: its next loss is news again.
    input_lost_reported_[from] = false;
    auto& stats = stats_[from];
    ++stats.frames_received;
    stats.last_received = std::chrono::steady_clock::now();
    if (handlers_.on_frame) handlers_.on_frame(from, payload);
  }

  void malformed(NodeId from, const std::string& what) override {
    if (from == kNoNode) {
      ++anonymous_malformed_;
    } else {
      ++stats_[from].malformed_frames;
    }
    report(from, what);
  }

  void ended(IncomingConnection& connection) override {
    const NodeId from = connection.peer();
    const auto current = incoming_.find(from);
    if (from == kNoNode || current == incoming_.end() || current->second.get() != &connection) {
      // Anonymous, or replaced already; erase by address (the set holds shared_ptrs).
      std::erase_if(pending_, [&](const auto& c) { return c.get() == &connection; });
      return;
    }
    incoming_.erase(current);
    stats_[from].incoming_connected = false;
    // With a higher id, the shared connection is our link, not this one.
    if (from < config_.self) stats_[from].shared_connection = false;
    // While our link to the peer is shared, its frames arrive there, not here: the loss is the
    // link's to report, after it has handed over what arrived on it. Reported from here, it
    // would overtake heartbeats still waiting on the link, which would then make the peer our
    // leader again.
    if (const auto link = links_.find(from); link != links_.end() && link->second->shared()) {
      return;
    }
    input_lost(from);
  }

  /// Our link to `peer` started or stopped carrying its frames.
  void link_carrying(NodeId peer, bool carrying) {
    if (const auto idle = incoming_.find(peer); idle != incoming_.end()) {
      idle->second->set_deferred(defers_incoming(peer));
    }
    if (carrying) {
      input_lost_reported_[peer] = false;
    } else {
      input_lost(peer);
    }
  }

  /// The connection `from`'s frames arrived on is gone. Reported once, although a crashed peer
  /// closes both connections: again only after a connection that carries its frames came up.
  void input_lost(NodeId from) {
    if (std::exchange(input_lost_reported_[from], true)) return;
    if (handlers_.on_incoming_lost) handlers_.on_incoming_lost(from);
  }

 private:
  void listen() {
    using asio::ip::tcp;
    const auto fail = [&](const asio::error_code& error) {
      throw std::runtime_error("cannot listen on '" + config_.listen + "': " + error.message());
    };
    asio::error_code error;
    tcp::endpoint endpoint;
    const auto ip = asio::ip::make_address(listen_.host, error);
    if (!error) {
      endpoint = tcp::endpoint(ip, listen_.port);
    } else {
      tcp::resolver resolver(io_);
      const auto found =
          resolver.resolve(listen_.host, std::to_string(listen_.port),
                           tcp::resolver::numeric_service | tcp::resolver::passive, error);
      if (error) fail(error);
      endpoint = found.begin()->endpoint();
    }
    // SO_REUSEADDR: a restarted node must get its port back while old connections sit in
    // TIME_WAIT, or it could not rejoin for a minute.
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      asio::error_code ignored;
      acceptor_.close(ignored);
      fail(error);
    }
  }

  void accept_next() {
    // The handler may run after the transport is gone (destroyed right after stop()); the weak
    // token tells it so before it touches anything of ours.
    acceptor_.async_accept([this, alive = std::weak_ptr<char>(alive_)](
                               const asio::error_code& error, asio::ip::tcp::socket socket) {
      if (alive.expired() || stopped_) return;
      if (!error) {
        if (pending_.size() >= kMaxPendingHandshakes) {
          asio::error_code ignored;
          socket.close(ignored);
        } else {
          auto connection = std::make_shared<IncomingConnection>(
              std::move(socket), *this, config_.handshake_timeout, config_.queue_limit_frames);
          pending_.insert(connection);
          connection->start();
        }
      }
      // Accept errors (e.g. out of file descriptors) are transient; keep accepting.
      if (!stopped_) accept_next();
    });
  }

  void report(NodeId peer, const std::string& what) {
    if (handlers_.on_malformed) handlers_.on_malformed(peer, what);
  }

  asio::io_context& io_;
  TransportConfig config_;
  Handlers handlers_;
  HostPort listen_;
  asio::ip::tcp::acceptor acceptor_;
  std::map<NodeId, PeerTransportStats> stats_;  ///< one entry per peer, made before any link
  std::map<NodeId, std::shared_ptr<OutgoingLink>> links_;
  std::map<NodeId, std::shared_ptr<IncomingConnection>> incoming_;  ///< handshaken, by peer
  std::set<std::shared_ptr<IncomingConnection>> pending_;           ///< awaiting their Hello
  /// Per peer: its input's loss was reported, and no connection carrying its frames came up since.
  std::map<NodeId, bool> input_lost_reported_;
  std::uint64_t anonymous_malformed_ = 0;
  bool input_deferred_ = false;
  NodeId deferred_from_ = kNoNode;  ///< with input_deferred_: only this peer's input, or everyone's
  bool started_ = false;
  bool stopped_ = false;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

TcpTransport::TcpTransport(asio::io_context& io, TransportConfig config, Handlers handlers)
    : impl_(std::make_unique<Impl>(io, std::move(config), std::move(handlers))) {}

TcpTransport::~TcpTransport() = default;

void TcpTransport::start() {
  impl_->start();
}
void TcpTransport::stop() {
  impl_->stop();
}
void TcpTransport::send(NodeId to, std::string payload) {
  impl_->send(to, std::move(payload));
}
std::uint16_t TcpTransport::local_port() const {
  return impl_->local_port();
}
PeerTransportStats TcpTransport::peer_stats(NodeId peer) const {
  return impl_->peer_stats(peer);
}
void TcpTransport::set_input_deferred(bool deferred, NodeId only_from) {
  impl_->set_input_deferred(deferred, only_from);
}
std::size_t TcpTransport::read_deferred_input() {
  return impl_->read_deferred_input();
}
std::uint64_t TcpTransport::anonymous_malformed_frames() const {
  return impl_->anonymous_malformed_frames();
}

}  // namespace baton::net
