// Steady-state tick()/step() must not allocate once the driver recycles its Output.
// Counts every operator new in this test binary while a flag is up.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "support/raft_cluster.hpp"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// Sanitizer builds replace operator new themselves; counting is a property of the normal build.
#if !defined(BATON_SANITIZE)
void* operator new(std::size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#endif

namespace baton::test {
namespace {

TEST(RaftCluster, SteadyStateDoesNotAllocate) {
#if defined(BATON_SANITIZE)
  GTEST_SKIP() << "allocation counting needs the normal build (sanitizers own operator new)";
#endif
  constexpr std::size_t kMembers = 3;
  std::vector<raft::RaftElector> nodes;
  for (NodeId id = 1; id <= kMembers; ++id) nodes.push_back(make_node(id, kMembers));
  std::vector<Output> outs(kMembers);
  std::vector<Envelope> in_flight, next;
  in_flight.reserve(256);
  next.reserve(256);
  auto pump = [&](raft::RaftElector& node) {
    Output& out = outs[node.config().id - 1];
    out.clear();
    node.take_output(out);
    for (const auto& e : out.early_messages) next.push_back(e);
    for (const auto& e : out.messages) next.push_back(e);
  };
  auto run_ticks = [&](int ticks) {
    for (int t = 0; t < ticks; ++t) {
      for (auto& n : nodes) {
        n.tick();
        pump(n);
      }
      while (!next.empty()) {
        std::swap(in_flight, next);
        for (const auto& e : in_flight) {
          nodes[e.to - 1].step(e);
          pump(nodes[e.to - 1]);
        }
        in_flight.clear();
      }
    }
  };
  run_ticks(300);  // elect a leader and warm the buffers up
  ASSERT_EQ(std::count_if(nodes.begin(), nodes.end(),
                          [](const auto& n) { return n.role() == Role::Leader; }),
            1);
  g_allocations = 0;
  g_counting = true;
  run_ticks(300);
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0u);
}

}  // namespace
}  // namespace baton::test
