// GET /metrics in the Prometheus text exposition format 0.0.4, written by hand: eleven families do
// not need a client library, and keeping the text here lets the tests hold it to the rules
// `promtool check metrics` applies (tests/service/metrics_text_test.cpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "service/http_api.hpp"

namespace baton::service {
namespace {

/// Prometheus floats: Go's spelling of the special values, otherwise the shortest text that reads
/// back as the same double (a bound of 0.005 is "0.005", not "0.0050000000000000001"), in plain
/// decimal unless the exponent is extreme ("0.0005", not the shorter "5e-04").
std::string format_double(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  const std::string scientific(buffer, result.ptr);
  const int exponent = std::stoi(scientific.substr(scientific.find('e') + 1));
  if (exponent < -6 || exponent > 20) return scientific;
  result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return std::string(buffer, result.ptr);
}

/// Label values escape backslash, double quote and line feed; nothing else (format 0.0.4).
std::string escape_label_value(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '\\':
        escaped += "\\\\";
        break;
      case '"':
        escaped += "\\\"";
        break;
      case '\n':
        escaped += "\\n";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

/// `{key="value"}` with the value escaped.
std::string label(std::string_view key, std::string_view value) {
  std::string text = "{";
  text += key;
  text += "=\"";
  text += escape_label_value(value);
  text += "\"}";
  return text;
}

/// Appends families and samples. Every family is announced once, HELP then TYPE, immediately
/// before its samples, which is what the format requires and promtool checks. Help texts are
/// literals below, free of backslashes and line feeds, so they need no escaping.
class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    text_ += help;
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += ' ';
    text_ += type;
    text_ += '\n';
  }
  void sample(std::string_view name, std::string_view labels, std::string_view value) {
    text_ += name;
    text_ += labels;
    text_ += ' ';
    text_ += value;
    text_ += '\n';
  }
  void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
    sample(name, labels, std::to_string(value));
  }
  void gauge(std::string_view name, std::string_view help, std::string_view value) {
    family(name, "gauge", help);
    sample(name, "", value);
  }
  void counter(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, "counter", help);
    sample(name, "", value);
  }
  /// A labelled family. One with no series is left out entirely, as client libraries do: a
  /// family header without samples tells a scraper nothing.
  template <typename Map, typename LabelOf, typename ValueOf>
  void labelled(std::string_view name, std::string_view type, std::string_view help,
                std::string_view key, const Map& series, LabelOf label_of, ValueOf value_of) {
    if (series.empty()) return;
    family(name, type, help);
    for (const auto& [k, v] : series) sample(name, label(key, label_of(k)), value_of(v));
  }
  std::string take() { return std::move(text_); }

 private:
  std::string text_;
};

std::string identity(const std::string& s) {
  return s;
}
std::string node_label(NodeId id) {
  return std::to_string(id);
}
std::string count(std::uint64_t value) {
  return std::to_string(value);
}
std::string flag(bool value) {
  return value ? "1" : "0";
}

void write_heartbeat_histogram(Exposition& out, const NodeMetrics& metrics) {
  constexpr std::string_view kName = "baton_heartbeat_rtt_seconds";
  out.family(kName, "histogram",
             "Round trip from a leader's heartbeat to its response, in seconds.");
  const std::string bucket = std::string(kName) + "_bucket";
  const std::size_t buckets = std::min(metrics.heartbeat_rtt_bucket_bounds_seconds.size(),
                                       metrics.heartbeat_rtt_bucket_counts.size());
  for (std::size_t i = 0; i < buckets; ++i) {
    const double bound = metrics.heartbeat_rtt_bucket_bounds_seconds[i];
    // +Inf is always written last from the total; a bound of +Inf in the input would repeat it.
    if (std::isinf(bound)) continue;
    out.sample(bucket, label("le", format_double(bound)), metrics.heartbeat_rtt_bucket_counts[i]);
  }
  out.sample(bucket, label("le", "+Inf"), metrics.heartbeat_rtt_count);
  out.sample(std::string(kName) + "_sum", "", format_double(metrics.heartbeat_rtt_sum_seconds));
  out.sample(std::string(kName) + "_count", "", metrics.heartbeat_rtt_count);
}

}  // namespace

std::string render_metrics(const NodeStatus& status, const NodeMetrics& metrics) {
  Exposition out;
  out.gauge("baton_is_leader", "1 while this node is the leader, else 0.", flag(metrics.is_leader));
  out.gauge("baton_term", "The term, epoch or ballot round this node is in.", count(metrics.term));
  out.gauge("baton_fence_token",
            "This node's fence token while it leads, else the known leader's (0 = unknown).",
            count(status.fence_token));
  out.gauge("baton_lease_valid", "1 while this node holds a leader lease it believes valid.",
            flag(status.lease_valid));
  out.counter("baton_elections_started_total", "Elections this node started as a candidate.",
              metrics.elections_started);
  out.counter("baton_leader_changes_total", "Changes of the leader this node knows.",
              metrics.leader_changes);
  out.counter(
      "baton_deferred_reads_total",
      "Reads of a peer's messages left waiting until this node's next due tick or read on the "
      "beat.",
      metrics.deferred_reads);
  out.counter("baton_beat_misses_total",
              "Reads on the beat that found no heartbeat from the leader (a follower's).",
              metrics.beat_misses);
  out.labelled("baton_messages_sent_total", "counter", "Messages sent, by message type.", "type",
               metrics.messages_sent, identity, count);
  out.labelled("baton_messages_received_total", "counter", "Messages received, by message type.",
               "type", metrics.messages_received, identity, count);
  out.labelled("baton_malformed_frames_total", "counter",
               "Frames that could not be decoded, by peer (0 = before the handshake named it).",
               "peer", metrics.malformed_frames, node_label, count);
  out.labelled("baton_peer_connected", "gauge", "1 while the outgoing connection to a peer is up.",
               "peer", metrics.peer_connected, node_label, flag);
  write_heartbeat_histogram(out, metrics);
  return out.take();
}

}  // namespace baton::service
