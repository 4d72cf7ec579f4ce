#include "sim/text_parse.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace baton::sim::text {

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, std::string_view separators) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = s.find_first_of(separators, start);
    const std::size_t stop = end == std::string_view::npos ? s.size() : end;
    if (stop > start) out.push_back(s.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::optional<double> parse_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<bool> parse_switch(std::string_view s) {
  s = trim(s);
  if (s == "on" || s == "true" || s == "yes" || s == "1") return true;
  if (s == "off" || s == "false" || s == "no" || s == "0") return false;
  return std::nullopt;
}

std::optional<Micros> parse_duration(std::string_view s, Micros bare_unit_micros) {
  s = trim(s);
  struct Unit {
    std::string_view suffix;
    double micros;
  };
  // Longest suffixes first so "ms" is not read as "s".
  static constexpr Unit kUnits[] = {{"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}};
  double scale = static_cast<double>(bare_unit_micros);
  for (const auto& unit : kUnits) {
    if (s.size() > unit.suffix.size() && s.ends_with(unit.suffix)) {
      s.remove_suffix(unit.suffix.size());
      scale = unit.micros;
      break;
    }
  }
  const auto number = parse_number(s);
  if (!number || *number < 0) return std::nullopt;
  const double micros = *number * scale;
  if (micros > 1e17) return std::nullopt;
  return static_cast<Micros>(std::llround(micros));
}

std::optional<std::pair<double, double>> parse_range(std::string_view s, std::string_view unit) {
  s = trim(s);
  if (!unit.empty() && s.ends_with(unit)) s.remove_suffix(unit.size());
  const std::size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    const auto value = parse_number(s);
    if (!value || *value < 0) return std::nullopt;
    return std::pair{*value, *value};
  }
  auto lo_text = trim(s.substr(0, dash));
  auto hi_text = trim(s.substr(dash + 1));
  if (!unit.empty() && lo_text.ends_with(unit)) lo_text.remove_suffix(unit.size());
  const auto lo = parse_number(lo_text);
  const auto hi = parse_number(hi_text);
  if (!lo || !hi || *lo < 0 || *hi < 0) return std::nullopt;
  return std::pair{*lo, *hi};
}

std::string format_duration(Micros micros) {
  char buffer[48];
  const auto print = [&](double value, const char* unit) {
    std::snprintf(buffer, sizeof buffer, "%g%s", value, unit);
    return std::string(buffer);
  };
  if (micros != 0 && micros % 1'000'000 == 0) return print(static_cast<double>(micros) / 1e6, "s");
  if (micros >= 1'000'000) return print(static_cast<double>(micros) / 1e6, "s");
  if (micros % 1000 == 0) return print(static_cast<double>(micros) / 1e3, "ms");
  return print(static_cast<double>(micros), "us");
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::vector<std::string> close_matches(std::string_view word,
                                       const std::vector<std::string>& candidates) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(word, candidate);
    if (word.size() >= 3 && candidate.starts_with(word))
      distance = std::min<std::size_t>(distance, 1);
    if (distance <= limit) scored.emplace_back(distance, candidate);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& entry : scored) out.push_back(std::move(entry.second));
  if (out.size() > 3) out.resize(3);
  return out;
}

}  // namespace baton::sim::text
