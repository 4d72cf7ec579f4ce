// Small text helpers shared by the settings table and the scenario parser: numbers, durations,
// ranges and switches as they are written in scenario files and on the command line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/scenario.hpp"

namespace baton::sim::text {

/// `s` without leading and trailing whitespace.
std::string_view trim(std::string_view s);

/// Splits on any of `separators`, dropping empty pieces (so "1, 2,,3" gives 1 2 3).
std::vector<std::string_view> split(std::string_view s, std::string_view separators);

/// A finite decimal number ("1", "-2.5", "1e3"); nullopt for anything else, including trailing
/// text.
std::optional<double> parse_number(std::string_view s);

/// A non-negative integer that fits in 64 bits; nullopt otherwise.
std::optional<std::uint64_t> parse_uint(std::string_view s);

/// on|off|true|false|yes|no|1|0.
std::optional<bool> parse_switch(std::string_view s);

/// A duration with a unit: "10s", "500ms", "2m", "1.5s", "250us"; a bare number means
/// `bare_unit_micros` (seconds by default). Negative durations are rejected.
std::optional<Micros> parse_duration(std::string_view s, Micros bare_unit_micros = 1'000'000);

/// "MIN-MAX" or a single value (min = max) of plain non-negative numbers. An optional trailing
/// `unit` (e.g. "ms") is accepted and ignored ("1-5ms"). Does not check min <= max.
std::optional<std::pair<double, double>> parse_range(std::string_view s,
                                                     std::string_view unit = "");

/// Formats micros the way a person writes them: "1.5s", "300ms", "250us".
std::string format_duration(Micros micros);

/// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidates within a small edit distance of `word` (or having it as a prefix), best first.
std::vector<std::string> close_matches(std::string_view word,
                                       const std::vector<std::string>& candidates);

}  // namespace baton::sim::text
