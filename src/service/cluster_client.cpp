#include "service/cluster_client.hpp"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace baton::service {
namespace {

std::string host_port(const std::string& url) {
  const std::string prefix = "http://";
  return url.rfind(prefix, 0) == 0 ? url.substr(prefix.size()) : url;
}

httplib::Client client_for(const std::string& url, std::chrono::milliseconds timeout) {
  httplib::Client client("http://" + host_port(url));
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  return client;
}

}  // namespace

RemoteStatus fetch_status(const std::string& url, std::chrono::milliseconds timeout) {
  RemoteStatus status;
  status.url = url;
  auto client = client_for(url, timeout);
  auto response = client.Get("/v1/status");
  if (!response) {
    status.error = httplib::to_string(response.error());
    return status;
  }
  if (response->status != 200) {
    status.error = "HTTP " + std::to_string(response->status);
    return status;
  }
  try {
    const auto json = nlohmann::json::parse(response->body);
    status.id = json.at("id").get<NodeId>();
    status.role = json.at("role").get<std::string>();
    status.term = json.at("term").get<Term>();
    status.leader = json.at("leader").is_null() ? 0 : json.at("leader").get<NodeId>();
    status.fence_token = json.value("fence_token", FenceToken{0});
    status.lease_valid = json.value("lease_valid", false);
    status.standing = json.value("standing", true);
    status.json = response->body;
    status.reachable = true;
  } catch (const nlohmann::json::exception& error) {
    status.error = std::string("bad status JSON: ") + error.what();
  }
  return status;
}

std::pair<int, std::string> post_resign(const std::string& url) {
  auto client = client_for(url, std::chrono::milliseconds(3000));
  auto response = client.Post("/v1/resign", "", "application/json");
  if (!response) return {0, httplib::to_string(response.error())};
  return {response->status, response->body};
}

std::pair<int, std::string> post_transfer(const std::string& url, NodeId to) {
  auto client = client_for(url, std::chrono::milliseconds(3000));
  const nlohmann::json body{{"to", to}};
  auto response = client.Post("/v1/transfer", body.dump(), "application/json");
  if (!response) return {0, httplib::to_string(response.error())};
  return {response->status, response->body};
}

EventWatcher::EventWatcher(std::string url, std::function<void(const RemoteEvent&)> on_event)
    : url_(std::move(url)),
      on_event_(std::move(on_event)),
      stopped_(std::make_shared<std::atomic<bool>>(false)) {
  thread_ = std::thread([this, stopped = stopped_] {
    while (!*stopped) {
      httplib::Client client("http://" + host_port(url_));
      client.set_connection_timeout(std::chrono::milliseconds(200));
      client.set_read_timeout(std::chrono::milliseconds(1000));
      std::string buffer;
      client.Get("/v1/events", [&](const char* data, std::size_t size) {
        const auto received = std::chrono::steady_clock::now();
        buffer.append(data, size);
        std::size_t end;
        // One SSE event ends with a blank line; only its data: line matters here.
        while ((end = buffer.find("\n\n")) != std::string::npos) {
          const std::string block = buffer.substr(0, end);
          buffer.erase(0, end + 2);
          const std::size_t data_at = block.find("data: ");
          if (data_at == std::string::npos) continue;
          const std::size_t line_end = block.find('\n', data_at);
          try {
            const auto json = nlohmann::json::parse(
                block.substr(data_at + 6, line_end == std::string::npos ? std::string::npos
                                                                        : line_end - data_at - 6));
            RemoteEvent event;
            event.node = json.value("node", NodeId{0});
            event.kind = json.value("kind", "");
            event.sequence = json.value("sequence", std::uint64_t{0});
            event.leader = json.contains("leader") && !json["leader"].is_null()
                               ? json["leader"].get<NodeId>()
                               : 0;
            event.term = json.value("term", Term{0});
            event.fence_token = json.value("fence_token", FenceToken{0});
            event.is_leader = json.value("is_leader", false);
            event.received = received;
            on_event_(event);
          } catch (const nlohmann::json::exception&) {
            // A line we do not understand is skipped; the next snapshot corrects any view.
          }
        }
        return !*stopped;
      });
      if (!*stopped) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

EventWatcher::~EventWatcher() {
  stop();
}

void EventWatcher::stop() {
  *stopped_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace baton::service
