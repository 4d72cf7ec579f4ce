// Charts of a comparison as standalone SVG files: what a person would rather look at than read.
#pragma once

#include <string>
#include <vector>

#include "sim/compare.hpp"

namespace baton::sim {

/// The failover-time distribution of every algorithm (a CDF over all faults of the matrix).
std::string failover_chart_svg(const CompareReport& report);
/// Messages per election against cluster size (log-log), one line per algorithm.
std::string messages_chart_svg(const CompareReport& report);

/// Writes failover.svg and messages-per-election.svg into `dir` (created if missing). Returns the
/// paths written. Throws std::runtime_error naming the file it could not write.
std::vector<std::string> write_compare_charts(const CompareReport& report, const std::string& dir);

}  // namespace baton::sim
