// Test support for driving one core by hand: take its output, build an envelope, and look for an
// event or for the messages of one kind in an output batch. Shared by the Bully, Paxos and ZAB
// test headers, which bring these names into their own namespaces. (Raft's drain() differs: it
// hands a node's own vote back, raft_cluster.hpp.)
#pragma once

#include <utility>
#include <variant>
#include <vector>

#include "core/elector.hpp"
#include "core/message.hpp"
#include "core/output.hpp"

namespace baton::core_test {

/// Everything the node has produced since the last take.
inline Output drain(Elector& node) {
  Output out;
  node.take_output(out);
  return out;
}

inline Envelope envelope(NodeId from, NodeId to, Message m) {
  return Envelope{from, to, m};
}

inline bool has_event(const Output& out, CoreEventKind kind) {
  for (const auto& e : out.events) {
    if (e.kind == kind) return true;
  }
  return false;
}

/// The messages of kind M in one list of an output batch, with their receivers.
template <class M>
std::vector<std::pair<NodeId, M>> sent_in(const std::vector<Envelope>& list) {
  std::vector<std::pair<NodeId, M>> found;
  for (const auto& e : list) {
    if (const auto* m = std::get_if<M>(&e.message)) found.emplace_back(e.to, *m);
  }
  return found;
}

/// The messages of kind M in `out` (early ones first, then the rest), with their receivers.
template <class M>
std::vector<std::pair<NodeId, M>> sent_of(const Output& out) {
  auto found = sent_in<M>(out.early_messages);
  for (auto& p : sent_in<M>(out.messages)) found.push_back(std::move(p));
  return found;
}

/// The receivers of the messages of kind M in `out`, in the same order.
template <class M>
std::vector<NodeId> receivers_of(const Output& out) {
  std::vector<NodeId> to;
  for (const auto& [id, m] : sent_of<M>(out)) to.push_back(id);
  return to;
}

}  // namespace baton::core_test
