// JSON bodies of the HTTP API other than the two declared in http_api.hpp (status_json and
// sse_event). Kept apart from the server so each body can be tested as a string, and so
// nlohmann-json stays out of every header. Conventions (docs/http-api.md): "none" is null, never 0.
#pragma once

#include <string>
#include <string_view>

#include "baton/node.hpp"

namespace baton::service {

/// GET /v1/leader: {"leader": id or null, "term": ..., "fence_token": ...}.
std::string leader_json(const NodeStatus& status);

/// GET /v1/leader/is-me: {"leader": leading, "id", "term", "fence_token", "leader_id"}. The HTTP
/// status (200 or 503) carries the answer; the body is for people.
std::string is_me_json(bool leading, const NodeStatus& status);

/// POST /v1/resign and /v1/transfer: {"result": "ok"} and, for a transfer, {"to": id}.
std::string outcome_json(RequestOutcome outcome, NodeId to = 0);

/// Any refusal the API makes itself: {"error": message}.
std::string error_json(std::string_view message);

}  // namespace baton::service
