// The scenario text format; see docs/scenarios.md for the grammar this file implements.
#include "sim/scenario_parser.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/settings.hpp"
#include "sim/text_parse.hpp"

namespace baton::sim {
namespace {

/// Stands for `end` in expectation times until the duration is known (it may be set later).
constexpr Micros kEnd = -1;

const std::vector<std::string> kActions = {
    "crash", "restart",   "pause",   "resume", "isolate",  "partition", "cut",  "heal",
    "loss",  "duplicate", "latency", "resign", "transfer", "flap",      "reset"};
const std::vector<std::string> kExpectations = {
    "leader within", "failover within", "no leader among", "leader is",
    "leader at end", "stable leader",   "two leaders",     "violation"};
const std::vector<std::string> kInvariants = {"election-safety", "lease-safety", "fencing"};
const char* const kTargetForms =
    "a node id (3, node 3 or n3), leader, follower, random, crashed, paused, all, others or "
    "store";

std::string join(const std::vector<std::string>& words, const char* separator = ", ") {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : separator) + word;
  return out;
}

/// Splits a line into words; `->`, `<->`, `|` and `,` are always words of their own.
std::vector<std::string> tokenize(std::string_view line) {
  std::vector<std::string> out;
  std::string current;
  const auto flush = [&] {
    if (!current.empty()) out.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      flush();
    } else if (line.substr(i, 3) == "<->") {
      flush();
      out.emplace_back("<->");
      i += 2;
    } else if (line.substr(i, 2) == "->") {
      flush();
      out.emplace_back("->");
      i += 1;
    } else if (c == '|' || c == ',') {
      flush();
      out.emplace_back(1, c);
    } else {
      current += c;
    }
  }
  flush();
  return out;
}

std::string describe_target(const Target& target) {
  switch (target.kind) {
    case Target::Kind::Node:
      return "node " + std::to_string(target.node);
    case Target::Kind::Leader:
      return "leader";
    case Target::Kind::Follower:
      return "follower";
    case Target::Kind::Random:
      return "random";
    case Target::Kind::Crashed:
      return "crashed";
    case Target::Kind::Paused:
      return "paused";
    case Target::Kind::All:
      return "all";
    case Target::Kind::Others:
      return "others";
    case Target::Kind::Minority:
      return "minority";
    case Target::Kind::Store:
      return "store";
  }
  return "?";
}

/// A problem found after parsing; `line` 0 when the scenario does not say where.
struct Problem {
  int line = 0;
  std::string message;
};

std::optional<Problem> find_problem(const Scenario& s,
                                    const std::map<std::string, int>& key_lines) {
  const auto key_line = [&](const std::string& key) {
    const auto it = key_lines.find(key);
    return it == key_lines.end() ? 0 : it->second;
  };
  const auto bad_node = [&](const Target& t) {
    return t.kind == Target::Kind::Node && (t.node < 1 || t.node > s.nodes);
  };
  const std::string node_range = "expected a node id from 1 to " + std::to_string(s.nodes);
  const auto node_problem = [&](int line, const Target& t) {
    return Problem{line, "node " + std::to_string(t.node) + " does not exist; " + node_range +
                             " (nodes " + std::to_string(s.nodes) + ")"};
  };
  if (s.raft.election_timeout_ms_min > s.raft.election_timeout_ms_max) {
    return Problem{key_line("election-timeout-ms"), "election-timeout-ms: MIN must be <= MAX"};
  }
  if (s.raft.candidate_timeout_ms_min > s.raft.candidate_timeout_ms_max) {
    return Problem{key_line("candidate-timeout-ms"), "candidate-timeout-ms: MIN must be <= MAX"};
  }
  if (!s.raft.priorities.empty() && s.raft.priorities.size() != s.nodes) {
    return Problem{key_line("priorities"), "priorities: expected one value per node (" +
                                               std::to_string(s.nodes) + "), got " +
                                               std::to_string(s.raft.priorities.size())};
  }
  if (s.raft.preferred_leader != kNoNode && s.raft.preferred_leader > s.nodes) {
    return Problem{key_line("preferred-leader"), "preferred-leader: node " +
                                                     std::to_string(s.raft.preferred_leader) +
                                                     " does not exist; " + node_range};
  }
  if (auto conflict = campaign_on_leader_reset_conflict(s)) {
    return Problem{key_line("campaign-on-leader-reset"), *conflict};
  }
  // The store-based recipes' store is node N+1 and may have a clock of its own.
  const bool has_store = s.algorithm == "lease" || s.algorithm == "sequential";
  for (const auto& [node, clock] : s.clocks.per_node) {
    if (node < 1 || node > s.nodes + (has_store ? 1 : 0)) {
      return Problem{key_line("clock"),
                     "clock: node " + std::to_string(node) + " does not exist; " + node_range};
    }
  }
  const std::string end = text::format_duration(s.duration);
  for (const auto& timed : s.faults) {
    const Fault& f = timed.fault;
    if (timed.at > s.duration) {
      return Problem{f.line, "fault at " + text::format_duration(timed.at) +
                                 " is after the end of the run; expected a time up to the "
                                 "duration (" +
                                 end + ")"};
    }
    std::vector<Target> all = f.targets;
    if (f.kind == Fault::Kind::Cut || f.kind == Fault::Kind::Transfer) {
      all.push_back(f.from);  // unused (node 0) for every other kind
      all.push_back(f.to);
    }
    for (const auto& group : f.groups) all.insert(all.end(), group.begin(), group.end());
    for (const auto& t : all) {
      if (bad_node(t)) return node_problem(f.line, t);
      if (t.kind == Target::Kind::Store && s.algorithm != "lease" && s.algorithm != "sequential") {
        return Problem{f.line,
                       "'store' names the simulated store, which only the lease and "
                       "sequential algorithms use (algorithm is " +
                           s.algorithm + ")"};
      }
    }
  }
  for (const auto& e : s.expectations) {
    for (const auto& t : e.nodes) {
      if (bad_node(t)) return node_problem(e.line, t);
    }
    if (e.from > e.to &&
        (e.kind == Expectation::Kind::NoLeaderAmong || e.kind == Expectation::Kind::StableLeader ||
         e.kind == Expectation::Kind::TwoLeaders)) {
      return Problem{e.line, "'from' time " + text::format_duration(e.from) +
                                 " is after 'to' time " + text::format_duration(e.to) +
                                 "; expected from <= to"};
    }
    if (e.from > s.duration || e.to > s.duration || e.within > s.duration) {
      return Problem{e.line,
                     "expectation time is after the end of the run; expected a time up to "
                     "the duration (" +
                         end + ")"};
    }
    const bool uses_minority = std::any_of(e.nodes.begin(), e.nodes.end(), [](const Target& t) {
      return t.kind == Target::Kind::Minority;
    });
    if (uses_minority) {
      const bool split_before = std::any_of(s.faults.begin(), s.faults.end(), [&](const auto& t) {
        return t.at <= e.from &&
               (t.fault.kind == Fault::Kind::Partition || t.fault.kind == Fault::Kind::Isolate);
      });
      if (!split_before) {
        return Problem{e.line, "'minority' needs a partition or isolate at or before " +
                                   text::format_duration(e.from)};
      }
    }
  }
  return std::nullopt;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  Scenario parse() {
    scenario_.file = file_;
    bool before_content = true;
    std::istringstream in{std::string(text_)};
    std::string raw;
    while (std::getline(in, raw)) {
      ++line_;
      std::string_view line = text::trim(raw);
      if (line.starts_with("#")) {
        // A `# description:` comment is the scenario's description (continued by more of them).
        std::string_view comment = text::trim(line.substr(1));
        if (before_content && comment.starts_with("description:")) {
          const auto more = text::trim(comment.substr(std::string_view("description:").size()));
          if (!description_from_key_) {
            scenario_.description += (scenario_.description.empty() ? "" : " ") + std::string(more);
          }
        }
        continue;
      }
      if (const auto hash = line.find('#'); hash != std::string_view::npos) {
        line = text::trim(line.substr(0, hash));
      }
      if (line.empty()) continue;
      before_content = false;
      source_ = line;
      words_ = tokenize(line);
      pos_ = 0;
      parse_line();
    }
    finish();
    return std::move(scenario_);
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw ScenarioError(file_ + ":" + std::to_string(line_) + ": " + message);
  }

  bool at_end() const { return pos_ >= words_.size(); }
  std::string peek() const { return at_end() ? std::string() : words_[pos_]; }
  std::string next(const std::string& what) {
    if (at_end()) fail("expected " + what + " after '" + std::string(source_) + "'");
    return words_[pos_++];
  }
  bool accept(std::string_view word) {
    if (!at_end() && words_[pos_] == word) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect_word(std::string_view word, const std::string& context) {
    if (at_end()) fail("expected '" + std::string(word) + "' " + context + ", got end of line");
    if (words_[pos_] != word) {
      fail("expected '" + std::string(word) + "' " + context + ", got '" + words_[pos_] + "'");
    }
    ++pos_;
  }
  void expect_end() {
    if (!at_end()) fail("unexpected '" + words_[pos_] + "'; expected end of line");
  }

  void parse_line() {
    const std::string first = words_[0];
    if (first == "at") {
      ++pos_;
      parse_fault();
    } else if (first == "expect") {
      ++pos_;
      parse_expectation();
    } else {
      const auto space = source_.find_first_of(" \t");
      const std::string_view key = source_.substr(0, space);
      const std::string_view value =
          space == std::string_view::npos ? std::string_view() : source_.substr(space);
      if (const auto error = apply_setting(scenario_, key, value)) {
        if (error->starts_with("unknown setting")) {
          fail(*error + " (a line is 'KEY VALUE', 'at TIME ACTION ...' or 'expect ...')");
        }
        fail(*error);
      }
      if (key == "description") description_from_key_ = true;
      key_lines_[std::string(key)] = line_;
    }
  }

  // --- time
  // ---------------------------------------------------------------------------------------

  /// TIME: absolute (`1.5s`, `300ms`, `2m`; bare number = seconds) or `+DURATION` after `base`.
  /// `start` and `end` are accepted when `allow_named`.
  Micros parse_time(const std::string& word, Micros base, bool allow_named = false) {
    if (allow_named && word == "start") return 0;
    if (allow_named && word == "end") return kEnd;
    std::string_view text = word;
    const bool relative = text.starts_with("+");
    if (relative) text.remove_prefix(1);
    const auto parsed = text::parse_duration(text);
    if (!parsed) {
      fail("bad time '" + word + "'; expected a time such as 1.5s, 300ms, 2m or +200ms" +
           (allow_named ? std::string(", start or end") : std::string()));
    }
    return relative ? base + *parsed : *parsed;
  }

  Micros parse_duration_word(const std::string& what) {
    const std::string word = next(what);
    const auto parsed = text::parse_duration(word);
    if (!parsed || *parsed <= 0) {
      fail("bad duration '" + word + "'; expected " + what + " such as 200ms or 1.5s");
    }
    return *parsed;
  }

  // --- targets
  // ------------------------------------------------------------------------------------

  static bool is_stop_word(const std::string& w) {
    static const std::set<std::string> stops = {"wipe",  "for",   "->",   "<->", "|",
                                                "every", "until", "from", "to",  "at"};
    return stops.contains(w);
  }

  Target parse_target(bool allow_minority) {
    const std::string word = next(std::string("a target: ") + kTargetForms);
    static const std::map<std::string, Target::Kind> named = {
        {"leader", Target::Kind::Leader},     {"follower", Target::Kind::Follower},
        {"random", Target::Kind::Random},     {"crashed", Target::Kind::Crashed},
        {"paused", Target::Kind::Paused},     {"all", Target::Kind::All},
        {"others", Target::Kind::Others},     {"rest", Target::Kind::Others},
        {"minority", Target::Kind::Minority}, {"store", Target::Kind::Store}};
    if (const auto it = named.find(word); it != named.end()) {
      if (it->second == Target::Kind::Minority && !allow_minority) {
        fail("'minority' is only allowed in expectations; expected " + std::string(kTargetForms));
      }
      return Target{it->second, kNoNode};
    }
    std::string id = word;
    if (word == "node") {
      id = next("a node id after 'node'");
    } else if (word.size() > 1 && word[0] == 'n' &&
               std::isdigit(static_cast<unsigned char>(word[1]))) {
      id = word.substr(1);
    }
    const auto number = text::parse_uint(id);
    if (!number || *number == 0 || *number > 1'000'000) {
      fail("bad target '" + word + "'; expected " + kTargetForms);
    }
    return Target{Target::Kind::Node, static_cast<NodeId>(*number)};
  }

  /// Targets separated by spaces or commas, up to a keyword such as `for`, `->` or `|`.
  std::vector<Target> parse_targets(bool allow_minority = false) {
    std::vector<Target> out;
    while (!at_end() && !is_stop_word(peek())) {
      if (accept(",")) continue;
      out.push_back(parse_target(allow_minority));
    }
    if (out.empty()) {
      fail(std::string("expected a target: ") + kTargetForms +
           (at_end() ? ", got end of line" : ", got '" + peek() + "'"));
    }
    return out;
  }

  /// One target (cuts, transfers): lists make no sense on either end of a cut.
  Target parse_single_target(const std::string& role) {
    const auto targets = parse_targets();
    if (targets.size() != 1)
      fail("expected one target " + role + ", got " + std::to_string(targets.size()));
    return targets[0];
  }

  // --- faults
  // -------------------------------------------------------------------------------------

  void add_fault(Micros at, Fault fault) {
    fault.line = line_;
    scenario_.faults.push_back(TimedFault{at, std::move(fault)});
  }

  void parse_fault() {
    const Micros at = parse_time(next("a time such as 1.5s, 300ms or +200ms"), last_at_);
    last_at_ = at;
    const std::string action = next("an action (" + join(kActions) + ")");
    Fault f;
    if (action == "crash") {
      f.targets = parse_targets();
      f.kind = accept("wipe") ? Fault::Kind::CrashWipe : Fault::Kind::Crash;
    } else if (action == "restart" || action == "resume") {
      f.kind = action == "restart" ? Fault::Kind::Restart : Fault::Kind::Resume;
      f.targets =
          at_end()
              ? std::vector<Target>{Target{
                    action == "restart" ? Target::Kind::Crashed : Target::Kind::Paused, kNoNode}}
              : parse_targets();
    } else if (action == "pause") {
      f.kind = Fault::Kind::Pause;
      f.targets = parse_targets();
      if (accept("for")) f.duration = parse_duration_word("a pause length");
    } else if (action == "isolate") {
      f.kind = Fault::Kind::Isolate;
      f.targets = parse_targets();
    } else if (action == "partition") {
      f.kind = Fault::Kind::Partition;
      f.groups.push_back(parse_targets());
      while (accept("|")) f.groups.push_back(parse_targets());
      if (f.groups.size() < 2) fail("expected at least two groups: partition GROUP | GROUP");
    } else if (action == "cut") {
      f.kind = Fault::Kind::Cut;
      f.from = parse_single_target("before '->' or '<->'");
      if (accept("<->")) {
        f.both_ways = true;
      } else if (!accept("->")) {
        fail("expected '->' (one way) or '<->' (both ways) in 'cut A -> B'" +
             (at_end() ? std::string(", got end of line") : ", got '" + peek() + "'"));
      }
      f.to = parse_single_target("after the arrow");
    } else if (action == "heal") {
      f.kind = Fault::Kind::Heal;
    } else if (action == "loss" || action == "duplicate") {
      f.kind = action == "loss" ? Fault::Kind::SetLoss : Fault::Kind::SetDuplicate;
      const std::string word = next("a probability between 0 and 1");
      const auto p = text::parse_number(word);
      if (!p || *p < 0 || *p > 1) {
        fail("bad probability '" + word + "'; expected a number between 0 and 1");
      }
      f.value = *p;
    } else if (action == "latency") {
      f.kind = Fault::Kind::SetLatency;
      const std::string word = next("a latency range such as 1-5ms");
      const auto range = text::parse_range(word, "ms");
      if (!range || range->first > range->second) {
        fail("bad latency '" + word + "'; expected MIN-MAXms with MIN <= MAX, e.g. 1-5ms");
      }
      f.value = range->first;
      f.value2 = range->second;
    } else if (action == "reset") {
      f.kind = Fault::Kind::Reset;
      f.targets = parse_targets();
    } else if (action == "resign") {
      f.kind = Fault::Kind::Resign;
      f.targets =
          at_end() ? std::vector<Target>{Target{Target::Kind::Leader, kNoNode}} : parse_targets();
    } else if (action == "transfer") {
      f.kind = Fault::Kind::Transfer;
      expect_word("to", "in 'transfer to NODE'");
      f.from = Target{Target::Kind::Leader, kNoNode};
      f.to = parse_single_target("after 'transfer to'");
    } else if (action == "flap") {
      parse_flap(at);
      return;
    } else {
      const auto close = text::close_matches(action, kActions);
      fail("unknown action '" + action + "'; expected one of " + join(kActions) +
           (close.empty() ? "" : " (did you mean " + join(close, " or ") + "?)"));
    }
    expect_end();
    add_fault(at, std::move(f));
  }

  /// `flap A <-> B every DURATION until TIME`: the link goes down at `at`, up DURATION later, down
  /// again, ... and is up at TIME. "Up" is a global Heal, which also ends every other cut,
  /// isolation and partition in force.
  void parse_flap(Micros at) {
    Fault cut;
    cut.kind = Fault::Kind::Cut;
    cut.from = parse_single_target("before '<->' in 'flap A <-> B'");
    if (accept("<->")) {
      cut.both_ways = true;
    } else if (!accept("->")) {
      fail("expected '<->' or '->' in 'flap A <-> B every DURATION until TIME'");
    }
    cut.to = parse_single_target("after the arrow");
    expect_word("every", "in 'flap A <-> B every DURATION until TIME'");
    const Micros every = parse_duration_word("a flap period");
    expect_word("until", "in 'flap A <-> B every DURATION until TIME'");
    const Micros until = parse_time(next("a time after 'until'"), at);
    expect_end();
    if (until <= at)
      fail("flap must end after it starts; expected 'until' later than the 'at' time");
    if ((until - at) / every > 100'000)
      fail("flap would produce too many faults; use a longer period");
    bool down = false;
    for (Micros t = at; t < until; t += every) {
      Fault f;
      if (!down) {
        f = cut;
      } else {
        f.kind = Fault::Kind::Heal;
      }
      add_fault(t, f);
      down = !down;
    }
    if (down) {
      Fault heal;
      heal.kind = Fault::Kind::Heal;
      add_fault(until, heal);
    }
  }

  // --- expectations
  // -------------------------------------------------------------------------------

  void parse_from_to(Expectation& e) {
    expect_word("from", "before the start time");
    e.from = parse_time(next("a start time"), last_at_, true);
    expect_word("to", "before the end time");
    e.to = parse_time(next("an end time"), last_at_, true);
  }

  void parse_expectation() {
    Expectation e;
    e.line = line_;
    e.text = std::string(source_);
    const std::string first = next("an expectation (" + join(kExpectations, ", ") + ")");
    if (first == "leader") {
      if (accept("within")) {
        e.kind = Expectation::Kind::FirstLeaderWithin;
        e.within = parse_duration_word("a time limit");
      } else if (accept("is")) {
        e.kind = Expectation::Kind::LeaderIs;
        e.nodes.push_back(parse_single_target("in 'expect leader is NODE at TIME'"));
        if (e.nodes[0].kind != Target::Kind::Node) {
          fail("expected a node id in 'expect leader is NODE at TIME', got '" +
               describe_target(e.nodes[0]) + "'");
        }
        expect_word("at", "in 'expect leader is NODE at TIME'");
        e.from = e.to = parse_time(next("a time"), last_at_, true);
      } else if (accept("at")) {
        expect_word("end", "in 'expect leader at end'");
        e.kind = Expectation::Kind::LeaderAtEnd;
      } else {
        fail("expected 'within', 'is' or 'at end' after 'expect leader'" +
             (at_end() ? std::string() : ", got '" + peek() + "'"));
      }
    } else if (first == "failover") {
      expect_word("within", "in 'expect failover within DURATION'");
      e.kind = Expectation::Kind::FailoverWithin;
      e.within = parse_duration_word("a time limit");
    } else if (first == "no") {
      expect_word("leader", "in 'expect no leader among TARGETS from TIME to TIME'");
      expect_word("among", "in 'expect no leader among TARGETS from TIME to TIME'");
      e.kind = Expectation::Kind::NoLeaderAmong;
      e.nodes = parse_targets(/*allow_minority=*/true);
      parse_from_to(e);
    } else if (first == "stable") {
      expect_word("leader", "in 'expect stable leader from TIME to TIME'");
      e.kind = Expectation::Kind::StableLeader;
      parse_from_to(e);
    } else if (first == "two") {
      expect_word("leaders", "in 'expect two leaders from TIME to TIME'");
      e.kind = Expectation::Kind::TwoLeaders;
      parse_from_to(e);
    } else if (first == "violation") {
      e.kind = Expectation::Kind::Violation;
      const std::string name = next("an invariant (" + join(kInvariants) + ")");
      if (std::find(kInvariants.begin(), kInvariants.end(), name) == kInvariants.end()) {
        fail("unknown invariant '" + name + "'; expected one of " + join(kInvariants));
      }
      e.invariant = name;
    } else {
      fail("unknown expectation 'expect " + first + "'; expected one of: expect " +
           join(kExpectations, ", expect "));
    }
    expect_end();
    scenario_.expectations.push_back(std::move(e));
  }

  void finish() {
    std::stable_sort(scenario_.faults.begin(), scenario_.faults.end(),
                     [](const TimedFault& a, const TimedFault& b) { return a.at < b.at; });
    for (auto& e : scenario_.expectations) {
      if (e.from == kEnd) e.from = scenario_.duration;
      if (e.to == kEnd) e.to = scenario_.duration;
    }
    if (const auto problem = find_problem(scenario_, key_lines_)) {
      throw ScenarioError(file_ + (problem->line > 0 ? ":" + std::to_string(problem->line) : "") +
                          ": " + problem->message);
    }
  }

  std::string_view text_;
  std::string file_;
  Scenario scenario_;
  int line_ = 0;
  std::string_view source_;
  std::vector<std::string> words_;
  std::size_t pos_ = 0;
  Micros last_at_ = 0;
  bool description_from_key_ = false;
  std::map<std::string, int> key_lines_;
};

}  // namespace

std::optional<std::string> validate_scenario(const Scenario& scenario) {
  const auto problem = find_problem(scenario, {});
  if (!problem) return std::nullopt;
  if (problem->line > 0) {
    // Called after command-line overrides: name the file so the reader knows which line, and
    // that a flag may be what made it wrong.
    const std::string file = scenario.file.empty() ? "<scenario>" : scenario.file;
    return file + ":" + std::to_string(problem->line) + ": " + problem->message;
  }
  return problem->message;
}

Scenario parse_scenario(std::string_view text, const std::string& file) {
  return Parser(text, file).parse();
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": cannot read the scenario file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw ScenarioError(path + ": cannot read the scenario file");
  Scenario scenario = parse_scenario(buffer.str(), path);
  scenario.name = std::filesystem::path(path).stem().string();
  return scenario;
}

Scenario default_scenario(std::uint32_t nodes) {
  Scenario s;
  s.name = "default";
  s.description =
      "the default fault mix: random crashes, partitions, one-way cuts, loss bursts "
      "and pauses, then a healed liveness phase";
  s.nodes = nodes;
  s.duration = 20'000'000;
  s.raft.election_timeout_ms_min = 150;
  s.raft.election_timeout_ms_max = 300;
  s.raft.heartbeat_ms = 50;
  s.network.model = LatencyModel::Uniform;
  s.network.latency_ms_min = 1;
  s.network.latency_ms_max = 5;
  s.network.loss = 0;
  s.disk.latency_ms_min = 0;
  s.disk.latency_ms_max = 1;
  s.clocks.skew_ms_max = 50;
  s.clocks.drift_max = 0.001;
  s.nemesis.enabled = true;
  return s;
}

}  // namespace baton::sim
