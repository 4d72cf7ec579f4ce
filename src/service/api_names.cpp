#include "service/api_names.hpp"

namespace baton::service {

const char* event_kind_name(LeadershipEventKind kind) {
  switch (kind) {
    case LeadershipEventKind::Snapshot:
      return "snapshot";
    case LeadershipEventKind::Elected:
      return "elected";
    case LeadershipEventKind::Demoted:
      return "demoted";
    case LeadershipEventKind::LeaderChanged:
      return "leader_changed";
    case LeadershipEventKind::NoLeader:
      return "no_leader";
    case LeadershipEventKind::FellBehind:
      return "fell_behind";
  }
  return "unknown";
}

const char* outcome_name(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::Ok:
      return "ok";
    case RequestOutcome::NotLeader:
      return "not_leader";
    case RequestOutcome::UnknownPeer:
      return "unknown_peer";
    case RequestOutcome::NotEligible:
      return "not_eligible";
    case RequestOutcome::AlreadyLeader:
      return "already_leader";
    case RequestOutcome::NotSupported:
      return "not_supported";
    case RequestOutcome::NotRunning:
      return "not_running";
  }
  return "unknown";
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
