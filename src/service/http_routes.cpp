#include "service/http_routes.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "service/api_names.hpp"
#include "service/http_api.hpp"
#include "service/http_json.hpp"
#include "service/transfer_target.hpp"

namespace baton::service {
namespace {

using httplib::Request;
using httplib::Response;
using Handler = httplib::Server::Handler;

constexpr const char* kJson = "application/json";
/// The version parameter tells Prometheus which text format this is (0.0.4).
constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";
/// Queue size of an SSE client's subscription; a client this far behind gets fell_behind and a
/// fresh snapshot rather than holding memory in the node.
constexpr std::size_t kSubscriptionCapacity = 256;

/// Every method a route could be asked with; those it does not serve answer 405. HEAD is served
/// by httplib from the GET handlers.
const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

void reply(Response& res, int status, const std::string& body, const char* type = kJson) {
  res.status = status;
  // Answers describe this instant (who leads); a cache in between must not replay them.
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, type);
}

void serve_events(NodeControl& node, EventStreams& streams, Response& res) {
  EventStreams::Opened opened =
      streams.open([&node] { return node.subscribe(kSubscriptionCapacity); });
  if (!opened.stream) {
    reply(res, 503, error_json("no event stream: " + opened.refusal));
    return;
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  // The provider runs on this client's server thread until it returns false: when the client is
  // gone (a write fails or the socket is no longer writable) or the stream was closed by stop().
  // Returning true without writing is how it waits: httplib calls it again, and checks between
  // calls whether the server is shutting down.
  std::shared_ptr<EventStream> stream = opened.stream;
  res.set_chunked_content_provider(
      "text/event-stream",
      [stream](std::size_t /*offset*/, httplib::DataSink& sink) {
        if (!sink.is_writable()) return false;
        const std::optional<std::string> chunk = stream->next_chunk();
        if (!chunk) return false;
        if (chunk->empty()) return true;
        return sink.write(chunk->data(), chunk->size());
      },
      [&streams, stream](bool /*success*/) { streams.release(stream); });
}

void serve_transfer(NodeControl& node, const Request& req, Response& res) {
  // A form body (curl -d to=3) is parsed by httplib into the parameters with the query string.
  const bool form =
      req.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
  const std::optional<std::string> field =
      req.has_param("to") ? std::optional<std::string>(req.get_param_value("to")) : std::nullopt;
  const TransferTarget target = parse_transfer_target(form ? "" : req.body, field);
  if (!target.ok()) {
    reply(res, 400, error_json(target.error));
    return;
  }
  const RequestOutcome outcome = node.transfer(target.to);
  reply(res, outcome_http_status(outcome), outcome_json(outcome, target.to));
}

void on(httplib::Server& server, const std::string& method, const std::string& path,
        Handler handler) {
  if (method == "GET") {
    server.Get(path, std::move(handler));
  } else if (method == "POST") {
    server.Post(path, std::move(handler));
  } else if (method == "PUT") {
    server.Put(path, std::move(handler));
  } else if (method == "PATCH") {
    server.Patch(path, std::move(handler));
  } else if (method == "DELETE") {
    server.Delete(path, std::move(handler));
  } else if (method == "OPTIONS") {
    server.Options(path, std::move(handler));
  }
}

struct Route {
  std::string method;
  std::string path;  ///< matched whole by httplib as a regex; ours have no special characters
  Handler handler;
};

std::vector<Route> routes(NodeControl& node, EventStreams& streams) {
  return {
      {"GET", "/v1/status",
       [&node](const Request&, Response& res) { reply(res, 200, status_json(node.status())); }},
      {"GET", "/v1/leader",
       [&node](const Request&, Response& res) { reply(res, 200, leader_json(node.status())); }},
      {"GET", "/v1/leader/is-me",
       [&node](const Request&, Response& res) {
         // The status code is the answer load balancers act on, so it comes from is_leader()
         // itself; the body's details are a separate snapshot, for people.
         const bool leading = node.is_leader();
         reply(res, leading ? 200 : 503, is_me_json(leading, node.status()));
       }},
      {"GET", "/healthz",
       [](const Request&, Response& res) { reply(res, 200, "ok", "text/plain"); }},
      {"POST", "/v1/resign",
       [&node](const Request&, Response& res) {
         const RequestOutcome outcome = node.resign();
         reply(res, outcome_http_status(outcome), outcome_json(outcome));
       }},
      {"POST", "/v1/transfer",
       [&node](const Request& req, Response& res) { serve_transfer(node, req, res); }},
      {"GET", "/v1/events",
       [&node, &streams](const Request&, Response& res) { serve_events(node, streams, res); }},
      {"GET", "/metrics",
       [&node](const Request&, Response& res) {
         reply(res, 200, render_metrics(node.status(), node.metrics()), kMetricsType);
       }},
  };
}

}  // namespace

void add_routes(httplib::Server& server, NodeControl& node, EventStreams& streams) {
  std::map<std::string, std::set<std::string>> allowed;  // path -> methods
  for (Route& route : routes(node, streams)) {
    allowed[route.path].insert(route.method);
    on(server, route.method, route.path, std::move(route.handler));
  }
  for (const auto& [path, methods] : allowed) {
    std::string allow;
    for (const std::string& method : methods) allow += (allow.empty() ? "" : ", ") + method;
    for (const std::string& method : kMethods) {
      if (methods.count(method) != 0) continue;
      on(server, method, path, [allow](const Request& req, Response& res) {
        res.set_header("Allow", allow);
        reply(res, 405,
              error_json(req.method + " is not allowed on " + req.path + "; use " + allow));
      });
    }
  }
  // Runs for every status >= 400, including the ones our handlers chose: only fill in a body
  // where httplib produced none (unknown path, unparsable request).
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const Request& req, Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const std::string message = res.status == 404 ? "no endpoint " + req.method + " " + req.path
                                                      : "the request could not be served (HTTP " +
                                                            std::to_string(res.status) + ")";
        res.set_content(error_json(message), kJson);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler([](const Request&, Response& res, std::exception_ptr error) {
    std::string message = "internal error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      message += ": ";
      message += e.what();
    } catch (...) {
    }
    reply(res, 500, error_json(message));
  });
}

}  // namespace baton::service
