#include "core/elector.hpp"
#include "core/output.hpp"

namespace baton {

std::string_view to_string(CoreEventKind kind) {
  switch (kind) {
    case CoreEventKind::ElectionTimeout:
      return "election-timeout";
    case CoreEventKind::PreVoteStarted:
      return "pre-vote-started";
    case CoreEventKind::CampaignStarted:
      return "campaign-started";
    case CoreEventKind::VoteGranted:
      return "vote-granted";
    case CoreEventKind::VoteRejected:
      return "vote-rejected";
    case CoreEventKind::BecameLeader:
      return "became-leader";
    case CoreEventKind::SteppedDown:
      return "stepped-down";
    case CoreEventKind::LeaderDiscovered:
      return "leader-discovered";
    case CoreEventKind::TransferStarted:
      return "transfer-started";
    case CoreEventKind::TransferAborted:
      return "transfer-aborted";
    case CoreEventKind::Resigned:
      return "resigned";
    case CoreEventKind::BackoffRaised:
      return "backoff-raised";
    case CoreEventKind::BackoffReset:
      return "backoff-reset";
    case CoreEventKind::MessageIgnored:
      return "message-ignored";
  }
  return "unknown";
}

std::string_view to_string(RequestResult result) {
  switch (result) {
    case RequestResult::Ok:
      return "ok";
    case RequestResult::NotLeader:
      return "not leader";
    case RequestResult::UnknownPeer:
      return "unknown peer";
    case RequestResult::NotEligible:
      return "peer not eligible (priority 0)";
    case RequestResult::AlreadyLeader:
      return "already leader";
    case RequestResult::NotSupported:
      return "not supported by this algorithm";
  }
  return "unknown";
}

}  // namespace baton
