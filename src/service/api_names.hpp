// The words the HTTP API puts on the wire for leadership event kinds and request outcomes, and the
// status code each outcome maps to. They are part of the API's contract (docs/http-api.md) and are
// the public API's own names (baton::to_string in include/baton/node.hpp), so both stay one.
#pragma once

#include "baton/node.hpp"

namespace baton::service {

/// snapshot, elected, demoted, leader_changed, no_leader, fell_behind: the SSE `event:` field and
/// the `kind` of its JSON.
const char* event_kind_name(LeadershipEventKind kind);

/// ok, not_leader, unknown_peer, not_eligible, already_leader, not_supported, not_running: the
/// `result` of POST /v1/resign and /v1/transfer.
const char* outcome_name(RequestOutcome outcome);

/// The HTTP status for an outcome: 200 for Ok, a 4xx when the request cannot succeed as asked
/// (409 conflicts with who leads, 404 unknown peer, 422 peer cannot lead), 501 when the algorithm
/// has no such operation, 503 while the node is not running (a retry elsewhere may succeed).
int outcome_http_status(RequestOutcome outcome);

}  // namespace baton::service
