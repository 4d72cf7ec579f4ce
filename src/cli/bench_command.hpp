// `baton bench failover`: real processes; kill the leader, time until a survivor leads with a
// quorum acknowledging it (from the nodes' event streams), restart, repeat.
#pragma once

#include <CLI/CLI.hpp>

namespace baton::cli {

void add_bench_command(CLI::App& app, int& exit_code);

}  // namespace baton::cli
