#include "service/service_log.hpp"

#include <cstdio>

namespace baton::service {

void log_line(std::string_view component, std::string_view line) {
  std::string out = "baton ";
  out.append(component).append(": ").append(line).push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
}

const char* outcome_word(RequestOutcome outcome) {
  switch (outcome) {
    case RequestOutcome::Ok:
      return "ok";
    case RequestOutcome::NotLeader:
      return "not leader";
    case RequestOutcome::UnknownPeer:
      return "unknown peer";
    case RequestOutcome::NotEligible:
      return "not eligible";
    case RequestOutcome::AlreadyLeader:
      return "already leader";
    case RequestOutcome::NotSupported:
      return "not supported";
    case RequestOutcome::NotRunning:
      return "not running";
  }
  return "unknown outcome";
}

}  // namespace baton::service
