// `baton node`: the daemon. One election member as a process: peers over TCP, durable votes, the
// HTTP API, optionally a command run only while this node leads, and health-driven abdication.
#pragma once

#include <CLI/CLI.hpp>

namespace baton::cli {

/// Registers `node`. Exit status: 0 after SIGTERM/SIGINT, 2 for a bad flag or config file, 1 when
/// the node cannot start (address in use, corrupt state file).
void add_node_command(CLI::App& app, int& exit_code);

}  // namespace baton::cli
