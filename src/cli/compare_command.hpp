// `baton sim compare`: every algorithm through one fault matrix, as a table, JSON or charts.
#pragma once

#include <CLI/CLI.hpp>

namespace baton::cli {

/// Registers `compare` under the `sim` subcommand. Its callback sets `exit_code`: 0 when the
/// comparison ran (violations are results, not errors: Bully and Ring are expected to show some),
/// 2 for bad options or an unwritable --svg directory.
CLI::App* add_compare_command(CLI::App& sim, int& exit_code);

}  // namespace baton::cli
