// Log lines of the service layer's supervisors (run-while-leader, health abdication): one line
// per event on stderr, where a daemon's log collector picks them up.
#pragma once

#include <string>
#include <string_view>

#include "baton/node.hpp"

namespace baton::service {

/// Writes "baton <component>: <line>\n" to stderr with one call, so lines written by concurrent
/// threads do not interleave mid-line.
void log_line(std::string_view component, std::string_view line);

/// A word for an outcome in log lines ("ok", "not leader", ...). to_string(RequestOutcome) is the
/// runtime's; the service layer and its tests do not depend on it.
const char* outcome_word(RequestOutcome outcome);

}  // namespace baton::service
