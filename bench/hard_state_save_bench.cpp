// One durable save of the hard state (write a temp file, fsync, rename, fsync the directory): the
// cost every vote and every new term pays before its messages leave, and so the floor under a
// planned hand-over (docs/PERFORMANCE.md). Measures the disk under BATON_BENCH_DIR (default: the
// system temp dir; point it at the data dir's file system).
// Run: build/bench/baton_bench --benchmark_filter=HardStateSave
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "storage/hard_state_file.hpp"

namespace {

void BM_HardStateSave(benchmark::State& state) {
  const char* base = std::getenv("BATON_BENCH_DIR");
  const std::filesystem::path dir =
      std::filesystem::path(base != nullptr ? base : std::filesystem::temp_directory_path()) /
      ("baton-save-bench-" + std::to_string(::getpid()));
  {
    baton::storage::HardStateFile file(dir);
    baton::HardState hard_state;
    for (auto _ : state) {
      ++hard_state.term;
      file.save(hard_state);
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_HardStateSave)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
