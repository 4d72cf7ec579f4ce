// The `baton` command. It only wires libraries together (shared/DESIGN.md, command-line layer).
#include <CLI/CLI.hpp>

#include "cli/bench_command.hpp"
#include "cli/cluster_command.hpp"
#include "cli/node_command.hpp"
#include "cli/sim_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"baton: leader election you can measure"};
  app.require_subcommand(1);
  int exit_code = 0;
  baton::cli::add_sim_command(app, exit_code);
  baton::cli::add_node_command(app, exit_code);
  baton::cli::add_cluster_commands(app, exit_code);
  baton::cli::add_bench_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;  // bad usage is exit status 2, as documented
  }
  return exit_code;
}
