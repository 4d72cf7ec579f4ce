// Simulator speed: simulated events per second on one core, for the default fault mix and for a
// quiet cluster. Run: build/bench/baton_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>

#include "sim/scenario_parser.hpp"
#include "sim/simulator.hpp"

namespace {

void run_seeds(benchmark::State& state, const baton::sim::Scenario& scenario) {
  std::uint64_t seed = 1;
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto result = baton::sim::run_seed(scenario, seed++);
    events += result.events;
    benchmark::DoNotOptimize(result.events);
  }
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events_per_run"] =
      benchmark::Counter(static_cast<double>(events) / static_cast<double>(state.iterations()));
}

// The default fault mix for N nodes, 20 simulated seconds per seed.
void BM_DefaultMix(benchmark::State& state) {
  auto scenario = baton::sim::default_scenario(static_cast<std::uint32_t>(state.range(0)));
  run_seeds(state, scenario);
}
BENCHMARK(BM_DefaultMix)->Arg(3)->Arg(5)->Arg(9)->Unit(benchmark::kMillisecond);

// A healthy cluster with no faults: ticks and heartbeats only.
void BM_QuietCluster(benchmark::State& state) {
  auto scenario = baton::sim::default_scenario(5);
  scenario.nemesis.enabled = false;
  run_seeds(state, scenario);
}
BENCHMARK(BM_QuietCluster)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
