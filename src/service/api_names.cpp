#include "service/api_names.hpp"

namespace baton::service {

// The public API's names (include/baton/node.hpp) are the wire words; one spelling for both.
const char* event_kind_name(LeadershipEventKind kind) {
  return to_string(kind);
}

const char* outcome_name(RequestOutcome outcome) {
  return to_string(outcome);
}

int outcome_http_status(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::Ok:
      return 200;
    case RequestOutcome::NotLeader:
    case RequestOutcome::AlreadyLeader:
      return 409;
    case RequestOutcome::UnknownPeer:
      return 404;
    case RequestOutcome::NotEligible:
      return 422;
    case RequestOutcome::NotSupported:
      return 501;
    case RequestOutcome::NotRunning:
      return 503;
  }
  return 500;
}

}  // namespace baton::service
