#include "sim/network.hpp"

#include <algorithm>
#include <cmath>

namespace baton::sim {

void Links::reset(std::uint32_t nodes) {
  n_ = nodes;
  stride_ = nodes + 1;
  group_.assign(stride_, 0);
  isolated_.assign(stride_, 0);
  cut_.assign(static_cast<std::size_t>(stride_) * stride_, 0);
  blocked_.assign(static_cast<std::size_t>(stride_) * stride_, 0);
}

void Links::set_partition(const std::vector<std::uint32_t>& group_of_node) {
  for (std::uint32_t i = 0; i < stride_; ++i)
    group_[i] = i < group_of_node.size() ? group_of_node[i] : 0;
  rebuild();
}

void Links::isolate(NodeId node) {
  if (node >= 1 && node <= n_) isolated_[node] = 1;
  rebuild();
}

void Links::cut(NodeId from, NodeId to) {
  if (from >= 1 && from <= n_ && to >= 1 && to <= n_) cut_[from * stride_ + to] = 1;
  rebuild();
}

void Links::heal() {
  reset(n_);
}

void Links::rebuild() {
  for (std::uint32_t a = 1; a <= n_; ++a) {
    for (std::uint32_t b = 1; b <= n_; ++b) {
      const bool partitioned = group_[a] != 0 && group_[b] != 0 && group_[a] != group_[b];
      const bool isolated = a != b && (isolated_[a] || isolated_[b]);
      blocked_[a * stride_ + b] = (partitioned || isolated || cut_[a * stride_ + b]) ? 1 : 0;
    }
  }
}

std::uint32_t Links::reachable_from(NodeId node) const {
  std::uint32_t count = 0;
  for (std::uint32_t b = 1; b <= n_; ++b) count += (b == node || !blocked(node, b)) ? 1 : 0;
  return count;
}

std::uint32_t Links::reachable_to(NodeId node) const {
  std::uint32_t count = 0;
  for (std::uint32_t a = 1; a <= n_; ++a) count += (a == node || !blocked(a, node)) ? 1 : 0;
  return count;
}

Micros NetworkModel::latency(Rng& rng) const {
  double ms = 0;
  if (settings_.model == LatencyModel::Uniform) {
    const Micros lo = ms_to_micros(std::max(0.0, settings_.latency_ms_min));
    const Micros hi = std::max(lo, ms_to_micros(std::max(0.0, settings_.latency_ms_max)));
    Micros us = static_cast<Micros>(
        rng.uniform(static_cast<std::uint64_t>(lo), static_cast<std::uint64_t>(hi)));
    if (rng.chance(settings_.reorder)) {
      us += static_cast<Micros>(
          rng.uniform(0, static_cast<std::uint64_t>(ms_to_micros(settings_.reorder_ms))));
    }
    return us;
  }
  // Normal via Box-Muller, truncated at 0.
  const double u1 = 1.0 - rng.unit();  // (0, 1]
  const double u2 = rng.unit();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  ms = std::max(0.0, settings_.latency_ms_mean + z * settings_.latency_ms_stddev);
  Micros us = ms_to_micros(ms);
  if (rng.chance(settings_.reorder)) {
    us += static_cast<Micros>(
        rng.uniform(0, static_cast<std::uint64_t>(ms_to_micros(settings_.reorder_ms))));
  }
  return us;
}

Delivery NetworkModel::draw(Rng& rng) const {
  Delivery d;
  if (rng.chance(settings_.loss)) {
    d.lost = true;
    return d;
  }
  d.latency_us = latency(rng);
  if (rng.chance(settings_.duplicate)) {
    d.duplicated = true;
    d.duplicate_latency_us = latency(rng);
  }
  return d;
}

}  // namespace baton::sim
