// The rules `promtool check metrics` holds an exposition to, checked here on crafted metrics (the
// busy cases a live node rarely shows) without promtool; tests/process runs the real promtool on a
// live node's output: the text format 0.0.4 parses (names, escaped label values,
// float values), each family has one HELP and one TYPE before its samples and appears once, its
// samples are contiguous, no series repeats, counters end in _total and nothing else does, only
// histograms use the _bucket/_sum/_count suffixes, units are base units, and histograms are well
// formed (ascending le ending with +Inf, cumulative counts, +Inf equal to _count, a _sum).
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace baton::service::testing {

struct PromSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;  ///< values unescaped
  double value = 0;
};

struct PromFamily {
  std::string name;
  std::string type;
  int help_lines = 0;
  int type_lines = 0;
  std::vector<PromSample> samples;
};

namespace lint_detail {

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

inline bool valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

inline bool parse_value(std::string_view text, double& value) {
  if (text == "+Inf") return value = INFINITY, true;
  if (text == "-Inf") return value = -INFINITY, true;
  if (text == "NaN") return value = NAN, true;
  if (text.empty()) return false;
  const std::string copy(text);
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size();
}

/// Parses `name{a="x",b="y"} value [timestamp]`; returns an error or "".
inline std::string parse_sample(std::string_view line, PromSample& sample) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
  sample.name = std::string(line.substr(0, i));
  if (!valid_name(sample.name, true)) return "bad metric name in: " + std::string(line);
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      const std::size_t eq = line.find('=', i);
      if (eq == std::string_view::npos) return "label without '=' in: " + std::string(line);
      std::string key(line.substr(i, eq - i));
      if (!valid_name(key, false)) return "bad label name '" + key + "' in: " + std::string(line);
      i = eq + 1;
      if (i >= line.size() || line[i] != '"')
        return "unquoted label value in: " + std::string(line);
      ++i;
      std::string value;
      bool closed = false;
      while (i < line.size()) {
        const char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\') {
          value += c;
          continue;
        }
        if (i >= line.size()) break;
        const char escaped = line[i++];
        if (escaped == '\\') {
          value += '\\';
        } else if (escaped == '"') {
          value += '"';
        } else if (escaped == 'n') {
          value += '\n';
        } else {
          return std::string("bad escape \\") + escaped + " in: " + std::string(line);
        }
      }
      if (!closed) return "unterminated label value in: " + std::string(line);
      sample.labels.emplace_back(std::move(key), std::move(value));
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return "unterminated label set in: " + std::string(line);
    ++i;  // '}'
  }
  if (i >= line.size() || line[i] != ' ') return "no value in: " + std::string(line);
  std::string_view rest = line.substr(i + 1);
  const std::size_t space = rest.find(' ');
  if (!parse_value(rest.substr(0, space), sample.value)) {
    return "bad value in: " + std::string(line);
  }
  return "";
}

inline std::string series_key(const PromSample& sample) {
  std::map<std::string, std::string> sorted(sample.labels.begin(), sample.labels.end());
  std::string key = sample.name;
  for (const auto& [k, v] : sorted) key += "|" + k + "=" + v;
  return key;
}

inline void check_histogram(const PromFamily& family, std::vector<std::string>& errors) {
  // Group by the labels other than le.
  struct Group {
    std::vector<std::pair<double, double>> buckets;  // le, count
    std::optional<double> count, sum;
  };
  std::map<std::string, Group> groups;
  for (const PromSample& sample : family.samples) {
    PromSample without_le = sample;
    std::optional<double> le;
    std::erase_if(without_le.labels, [&](const auto& label) {
      if (label.first != "le") return false;
      double bound = 0;
      if (parse_value(label.second, bound)) le = bound;
      return true;
    });
    without_le.name = family.name;
    Group& group = groups[series_key(without_le)];
    if (sample.name == family.name + "_bucket") {
      if (!le) {
        errors.push_back(family.name + ": bucket without a valid le label");
        continue;
      }
      group.buckets.emplace_back(*le, sample.value);
    } else if (sample.name == family.name + "_count") {
      group.count = sample.value;
    } else if (sample.name == family.name + "_sum") {
      group.sum = sample.value;
    } else {
      errors.push_back(family.name + ": histogram sample " + sample.name +
                       " is not _bucket, _sum or _count");
    }
  }
  for (const auto& [key, group] : groups) {
    if (group.buckets.empty() || !std::isinf(group.buckets.back().first)) {
      errors.push_back(family.name + ": buckets do not end with le=\"+Inf\"");
    }
    for (std::size_t i = 1; i < group.buckets.size(); ++i) {
      if (!(group.buckets[i - 1].first < group.buckets[i].first)) {
        errors.push_back(family.name + ": le bounds are not strictly ascending");
      }
      if (group.buckets[i - 1].second > group.buckets[i].second) {
        errors.push_back(family.name + ": bucket counts are not cumulative");
      }
    }
    if (!group.count) errors.push_back(family.name + ": no _count");
    if (!group.sum) errors.push_back(family.name + ": no _sum");
    if (group.count && !group.buckets.empty() && group.buckets.back().second != *group.count) {
      errors.push_back(family.name + ": le=\"+Inf\" bucket differs from _count");
    }
  }
}

}  // namespace lint_detail

/// Every rule `text` breaks, empty when it is clean. `families`, if given, receives the parse.
inline std::vector<std::string> lint_prometheus_text(std::string_view text,
                                                     std::vector<PromFamily>* families = nullptr) {
  using namespace lint_detail;
  std::vector<std::string> errors;
  std::vector<PromFamily> parsed;
  std::set<std::string> series;
  if (!text.empty() && text.back() != '\n') errors.push_back("text does not end with a newline");
  const auto family_named = [&](const std::string& name) -> PromFamily& {
    if (parsed.empty() || parsed.back().name != name) {
      for (const PromFamily& earlier : parsed) {
        if (earlier.name == name) errors.push_back("family " + name + " appears twice");
      }
      parsed.push_back(PromFamily{name, "", 0, 0, {}});
    }
    return parsed.back();
  };
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const bool help = line[2] == 'H';
      const std::string_view rest = line.substr(7);
      const std::string name(rest.substr(0, rest.find(' ')));
      if (!valid_name(name, true)) errors.push_back("bad family name in: " + std::string(line));
      PromFamily& family = family_named(name);
      if (!family.samples.empty()) {
        errors.push_back(std::string(help ? "HELP" : "TYPE") + " after samples of " + name);
      }
      if (help) {
        ++family.help_lines;
      } else {
        ++family.type_lines;
        family.type = rest.find(' ') == std::string_view::npos
                          ? ""
                          : std::string(rest.substr(rest.find(' ') + 1));
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (kTypes.count(family.type) == 0) {
          errors.push_back("unknown type '" + family.type + "' for " + name);
        }
      }
      continue;
    }
    if (line[0] == '#') continue;
    PromSample sample;
    if (std::string error = parse_sample(line, sample); !error.empty()) {
      errors.push_back(error);
      continue;
    }
    if (parsed.empty()) {
      errors.push_back("sample before any TYPE: " + sample.name);
      continue;
    }
    PromFamily& family = parsed.back();
    const bool belongs = sample.name == family.name ||
                         (family.type == "histogram" && (sample.name == family.name + "_bucket" ||
                                                         sample.name == family.name + "_sum" ||
                                                         sample.name == family.name + "_count"));
    if (!belongs) {
      errors.push_back("sample " + sample.name + " is not in the block of its family (after " +
                       family.name + ")");
    }
    if (!series.insert(series_key(sample)).second) {
      errors.push_back("duplicate series " + series_key(sample));
    }
    if (family.type == "counter" && !(sample.value >= 0)) {
      errors.push_back("counter " + sample.name + " is negative or NaN");
    }
    family.samples.push_back(std::move(sample));
  }
  for (const PromFamily& family : parsed) {
    if (family.help_lines != 1) errors.push_back(family.name + ": HELP lines != 1");
    if (family.type_lines != 1) errors.push_back(family.name + ": TYPE lines != 1");
    const bool total = ends_with(family.name, "_total");
    if (family.type == "counter" && !total) {
      errors.push_back("counter " + family.name + " should have a _total suffix");
    }
    if (family.type != "counter" && total) {
      errors.push_back("non-counter " + family.name + " should not have a _total suffix");
    }
    if (family.type != "histogram" && family.type != "summary" &&
        (ends_with(family.name, "_bucket") || ends_with(family.name, "_sum") ||
         ends_with(family.name, "_count"))) {
      errors.push_back(family.name + " uses a suffix reserved for histograms and summaries");
    }
    for (const char* unit : {"milliseconds", "millis", "_ms", "microseconds", "minutes"}) {
      if (family.name.find(unit) != std::string::npos) {
        errors.push_back(family.name + " should use base units (seconds), not " + unit);
      }
    }
    if (family.type == "histogram") check_histogram(family, errors);
  }
  if (families != nullptr) *families = std::move(parsed);
  return errors;
}

}  // namespace baton::service::testing
