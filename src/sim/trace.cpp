#include "sim/trace.hpp"

#include <cstdio>

#include "core/elector.hpp"
#include "core/message.hpp"

namespace baton::sim {
namespace {

std::string node_name(NodeId id) {
  std::string s = std::to_string(id);
  s.insert(s.begin(), 'n');  // not "n" + ...: GCC 12 -Wrestrict misfires on it in Release
  return s;
}

std::string with_reason(std::string text, std::string_view reason) {
  if (!reason.empty()) {
    text += " (";
    text += reason;
    text += ")";
  }
  return text;
}

std::string core_text(const TraceRecord& r) {
  const auto kind = static_cast<CoreEventKind>(r.sub);
  const std::string t = std::to_string(r.term);
  switch (kind) {
    case CoreEventKind::ElectionTimeout:
      return "election timeout (term " + t + ")";
    case CoreEventKind::PreVoteStarted:
      // The event's term is the node's own; `value` is the term it probes (its own + 1).
      return "pre-vote for term " + std::to_string(r.value) + " (still in term " + t + ")";
    case CoreEventKind::CampaignStarted:
      return "campaign for term " + t;
    case CoreEventKind::VoteGranted:
      // A pre-vote changes nothing on the voter: say which term it was asked about (`value`).
      if (r.text == "pre-vote" && r.value != 0) {
        return "would vote for " + node_name(r.peer) + " in term " + std::to_string(r.value) +
               " (pre-vote; still in term " + t + ")";
      }
      return with_reason("voted for " + node_name(r.peer) + " in term " + t, r.text);
    case CoreEventKind::VoteRejected:
      return with_reason("refused vote to " + node_name(r.peer) + " in term " + t, r.text);
    case CoreEventKind::BecameLeader:
      return "won the election of term " + t;
    case CoreEventKind::SteppedDown:
      return with_reason("stepped down in term " + t, r.text);
    case CoreEventKind::LeaderDiscovered:
      if (r.peer == kNoNode) return with_reason("lost its leader of term " + t, r.text);
      return "learned leader " + node_name(r.peer) + " of term " + t;
    case CoreEventKind::TransferStarted:
      return "leadership transfer to " + node_name(r.peer) + " started";
    case CoreEventKind::TransferAborted:
      return "leadership transfer to " + node_name(r.peer) + " aborted";
    case CoreEventKind::Resigned:
      return "resigned in term " + t;
    case CoreEventKind::BackoffRaised:
      return "election backoff raised (timeout " + std::to_string(r.value) + " ticks)";
    case CoreEventKind::BackoffReset:
      return "election backoff reset";
    case CoreEventKind::MessageIgnored:
      return with_reason("ignored a message from " + node_name(r.peer), r.text);
  }
  return std::string(to_string(kind));
}

std::string body(const TraceRecord& r) {
  switch (r.kind) {
    case TraceKind::Core:
      return core_text(r);
    case TraceKind::Leadership:
      return r.value ? "became LEADER of term " + std::to_string(r.term) + " (fence " +
                           std::to_string(r.value2) + ")"
                     : "lost leadership of term " + std::to_string(r.term) + " (fence " +
                           std::to_string(r.value2) + ")";
    case TraceKind::Send: {
      std::string s = "-> " + node_name(r.peer) + " " + std::string(message_counter_name(r.sub)) +
                      " term " + std::to_string(r.term);
      switch (static_cast<SendFate>(r.value)) {
        case SendFate::Sent:
          break;
        case SendFate::Lost:
          s += " (lost)";
          break;
        case SendFate::Blocked:
          s += " (blocked)";
          break;
        case SendFate::Duplicated:
          s += " (duplicated)";
          break;
        case SendFate::Queued:
          s += " (queued: " + node_name(r.peer) + " is down)";
          break;
        case SendFate::Resent:
          s += " (re-sent from the down-queue)";
          break;
      }
      return s;
    }
    case TraceKind::DropDelivery:
      return with_reason(std::string(message_counter_name(r.sub)) + " from " + node_name(r.peer) +
                             " term " + std::to_string(r.term) + " dropped on arrival",
                         r.text);
    case TraceKind::Persist:
      return "persisted term " + std::to_string(r.term) + " vote " +
             (r.peer ? node_name(r.peer) : "none");
    case TraceKind::Fault:
      return "FAULT " + std::string(r.text);
    case TraceKind::Acknowledged:
      return "acknowledged leader " + node_name(r.node) + " term " + std::to_string(r.term) +
             " (quorum " + std::to_string(r.value) + "/" + std::to_string(r.value2) + ")";
    case TraceKind::AckLost:
      return "no quorum-acknowledged leader";
    case TraceKind::Failover: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "failover took %.3fms", static_cast<double>(r.value) / 1000.0);
      return buf;
    }
    case TraceKind::Write: {
      std::string s = "write token " + std::to_string(r.value);
      switch (static_cast<WriteFate>(r.sub)) {
        case WriteFate::Accepted:
          return s + " accepted by the resource";
        case WriteFate::Rejected:
          return s + " rejected by the resource (stale token)";
        case WriteFate::Stale:
          return s + " ACCEPTED BUT STALE";
        case WriteFate::Sent:
          return s + " sent";
        case WriteFate::Lost:
          return s + " lost";
      }
      return s;
    }
    case TraceKind::Input: {
      const std::string held = std::to_string(r.value) + " held message(s)";
      switch (static_cast<InputFate>(r.sub)) {
        case InputFate::Held:
          return "holds its input until tick " + std::to_string(r.value);
        case InputFate::ReadAtDueTick:
          return "reads " + held + " after its due tick";
        case InputFate::ReadCannotWait:
          return "reads " + held + " early: its input can no longer wait";
        case InputFate::ReadOnResume:
          return "reads " + held + " on resume";
        case InputFate::Dropped:
          return "lost " + held + " in the crash";
        case InputFate::HeldForBeat:
          return "holds its leader's heartbeats until its beat, tick " + std::to_string(r.value);
        case InputFate::ReadOnBeat:
          return r.value == 0 ? "reads on the beat and finds nothing (a miss)"
                              : "reads " + held + " on the beat";
        case InputFate::ReadWoken:
          return "reads " + held + " ahead of a message that does not wait";
      }
      return held;
    }
    case TraceKind::DownQueue: {
      const std::string count = std::to_string(r.value) + " queued message(s)";
      switch (static_cast<DownQueueFate>(r.sub)) {
        case DownQueueFate::Queued:
          return "queued " + std::string(message_counter_name(r.value2)) + " term " +
                 std::to_string(r.term) + " for " + node_name(r.peer) +
                 ", which crashed while it was in flight (" + std::to_string(r.value) + " waiting)";
        case DownQueueFate::DroppedOldest:
          return "dropped its oldest queued " + std::string(message_counter_name(r.value2)) +
                 " term " + std::to_string(r.term) + " for " + node_name(r.peer) + " (queue full)";
        case DownQueueFate::Flushed:
          return count + " from " + node_name(r.node) + " reach restarted " + node_name(r.peer);
        case DownQueueFate::Lost:
          return "lost " + count + " for " + node_name(r.peer) + " in the crash";
      }
      return count;
    }
    case TraceKind::Note:
      return std::string(r.text);
    case TraceKind::ConnectionReset:
      return "sees its connection to " + node_name(r.peer) + " close: " +
             (static_cast<RequestResult>(r.sub) == RequestResult::Ok
                  ? std::string("campaigns at once (pre-vote)")
                  : "ignored (" + std::string(to_string(static_cast<RequestResult>(r.sub))) + ")");
  }
  return {};
}

}  // namespace

std::string format_record(const TraceRecord& r) {
  char head[48];
  std::snprintf(head, sizeof head, "%10.3fms  ", static_cast<double>(r.time) / 1000.0);
  std::string line = head;
  // Acknowledged names the leader inside the text; other records lead with their node.
  // A flush names its sender inside the text too.
  const bool show_node = r.node != kNoNode && r.kind != TraceKind::Acknowledged &&
                         !(r.kind == TraceKind::DownQueue &&
                           static_cast<DownQueueFate>(r.sub) == DownQueueFate::Flushed);
  if (show_node) {
    line += node_name(r.node);
    line += "  ";
  }
  line += body(r);
  return line;
}

std::vector<std::string> TraceRing::format_all() const {
  std::vector<std::string> out;
  out.reserve(size_);
  const std::size_t start =
      (head_ + records_.size() - size_) % (records_.empty() ? 1 : records_.size());
  for (std::size_t i = 0; i < size_; ++i)
    out.push_back(format_record(records_[(start + i) % records_.size()]));
  return out;
}

}  // namespace baton::sim
