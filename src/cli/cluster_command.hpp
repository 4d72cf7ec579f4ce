// `baton cluster up`, `baton status`, `baton resign`, `baton transfer`: local clusters of node
// processes and the client commands that talk to running nodes over HTTP.
#pragma once

#include <CLI/CLI.hpp>

namespace baton::cli {

void add_cluster_commands(CLI::App& app, int& exit_code);

/// The path of the running `baton` executable (/proc/self/exe), for starting nodes.
std::string self_executable();

}  // namespace baton::cli
