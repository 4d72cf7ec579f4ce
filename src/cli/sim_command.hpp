// `baton sim`: run a scenario (or the default fault mix) for one seed or a sweep of seeds.
#pragma once

#include <CLI/CLI.hpp>

namespace baton::cli {

/// Registers the `sim` subcommand on `app`. Its callback sets `exit_code`: 0 when no invariant
/// broke and every expectation held, 1 when one did, 2 for a bad scenario or bad settings.
void add_sim_command(CLI::App& app, int& exit_code);

}  // namespace baton::cli
