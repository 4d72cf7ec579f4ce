// `baton bench idle`: real processes; an idle cluster's CPU time (from the scheduler's own count)
// and resident memory per node, the idle-cost target made measurable.
#pragma once

#include <CLI/CLI.hpp>

namespace baton::cli {

void add_bench_idle_command(CLI::App& bench, int& exit_code);

}  // namespace baton::cli
