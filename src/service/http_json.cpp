// The JSON bodies of the HTTP API. nlohmann-json does the escaping, so a peer address or an
// algorithm name can never break a document.
#include "service/http_json.hpp"

#include <nlohmann/json.hpp>

#include "service/api_names.hpp"
#include "service/http_api.hpp"

namespace baton::service {
namespace {

// Insertion order, so fields read in the order docs/http-api.md lists them.
using json = nlohmann::ordered_json;

/// Node id 0 means "none known" inside baton; on the wire that is null so no client mistakes it
/// for a node.
json id_or_null(NodeId id) {
  return id == 0 ? json(nullptr) : json(id);
}

/// Compact, one line; invalid UTF-8 (a peer address, a message quoting client input) is replaced
/// instead of throwing from inside a request handler.
std::string to_text(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string status_json(const NodeStatus& status) {
  json peers = json::array();
  for (const PeerStatus& peer : status.peers) {
    peers.push_back({
        {"id", peer.id},
        {"address", peer.address},
        {"connected", peer.connected},
        {"last_contact_ms_ago",
         peer.last_contact_ms_ago < 0 ? json(nullptr) : json(peer.last_contact_ms_ago)},
    });
  }
  const json body = {
      {"id", status.id},
      {"algorithm", status.algorithm},
      {"role", status.role},
      {"term", status.term},
      {"leader", id_or_null(status.leader)},
      {"fence_token", status.fence_token},
      {"lease_valid", status.lease_valid},
      {"lease_remaining_ms", status.lease_remaining_ms},
      {"standing", status.standing},
      {"peers", std::move(peers)},
  };
  return to_text(body);
}

std::string sse_event(const LeadershipEvent& event) {
  const json data = {
      {"kind", event_kind_name(event.kind)},
      {"sequence", event.sequence},
      {"node", event.node},
      {"leader", id_or_null(event.leader)},
      {"term", event.term},
      {"fence_token", event.fence_token},
      {"is_leader", event.is_leader},
      {"unix_ms", event.unix_ms},
  };
  // Compact JSON never emits a newline (strings escape theirs), so the data stays
  // on the one `data:` line the SSE format needs.
  std::string text;
  text += "event: ";
  text += event_kind_name(event.kind);
  text += "\nid: ";
  text += std::to_string(event.sequence);
  text += "\ndata: ";
  text += to_text(data);
  text += "\n\n";
  return text;
}

std::string leader_json(const NodeStatus& status) {
  const json body = {
      {"leader", id_or_null(status.leader)},
      {"term", status.term},
      {"fence_token", status.fence_token},
  };
  return to_text(body);
}

std::string is_me_json(bool leading, const NodeStatus& status) {
  const json body = {
      {"leader", leading},
      {"id", status.id},
      {"leader_id", id_or_null(status.leader)},
      {"term", status.term},
      {"fence_token", status.fence_token},
  };
  return to_text(body);
}

std::string outcome_json(RequestOutcome outcome, NodeId to) {
  json body = {{"result", outcome_name(outcome)}};
  if (to != 0) body["to"] = to;
  return to_text(body);
}

std::string error_json(std::string_view message) {
  return to_text(json{{"error", message}});
}

}  // namespace baton::service
