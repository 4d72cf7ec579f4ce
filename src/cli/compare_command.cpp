#include "cli/compare_command.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/compare.hpp"
#include "sim/compare_svg.hpp"
#include "sim/settings.hpp"

namespace baton::cli {
namespace {

struct CompareFlags {
  sim::CompareOptions options;
  std::vector<std::string> algorithms;
  std::vector<std::uint32_t> sizes;
  bool no_sizes = false;
  bool json = false;
  bool quiet = false;
  std::string svg_dir;
};

int run_compare(CompareFlags& flags) {
  for (const std::string& a : flags.algorithms) {
    const auto& known = sim::algorithm_names();
    if (std::find(known.begin(), known.end(), a) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      std::cerr << "baton sim compare: --algorithms: unknown algorithm '" << a << "' (expected "
                << list << ")\n";
      return 2;
    }
  }
  flags.options.algorithms = flags.algorithms;
  if (!flags.sizes.empty()) flags.options.sizes = flags.sizes;
  if (flags.no_sizes) flags.options.sizes.clear();
  // Progress goes to stderr so that stdout stays one table or one JSON object.
  auto progress = [&](const std::string& line) {
    if (!flags.quiet) std::cerr << "  " << line << "\n";
  };
  const sim::CompareReport report = sim::compare(flags.options, progress);
  std::cout << (flags.json ? sim::compare_json(report) : sim::compare_text(report)) << std::endl;
  if (!flags.svg_dir.empty()) {
    try {
      for (const std::string& path : sim::write_compare_charts(report, flags.svg_dir)) {
        std::cerr << "wrote " << path << "\n";
      }
    } catch (const std::runtime_error& error) {
      std::cerr << "baton sim compare: --svg: " << error.what() << "\n";
      return 2;
    }
  }
  return 0;
}

}  // namespace

CLI::App* add_compare_command(CLI::App& sim, int& exit_code) {
  auto flags = std::make_shared<CompareFlags>();
  CLI::App* cmd = sim.add_subcommand(
      "compare", "Run every algorithm through one fault matrix and print a comparison table");
  cmd->add_option("--nodes", flags->options.nodes, "Cluster size for the fault matrix")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--seeds", flags->options.seeds, "Seeds per algorithm and fault")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  cmd->add_option("--first-seed", flags->options.first_seed, "First seed of every sweep");
  cmd->add_option("--algorithms", flags->algorithms, "Only these algorithms (default: all)")
      ->delimiter(',');
  cmd->add_option("--sizes", flags->sizes,
                  "Cluster sizes for the messages-per-election sweep (default 3,5,9,17,33)")
      ->delimiter(',')
      ->check(CLI::Range(1, 1000));
  cmd->add_flag("--no-sizes", flags->no_sizes, "Skip the cluster-size sweep");
  cmd->add_option("--size-seeds", flags->options.size_seeds, "Seeds per cluster size")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  cmd->add_flag("--json", flags->json, "Print the comparison as one JSON object");
  cmd->add_option("--svg", flags->svg_dir, "Write charts (SVG) into this directory");
  cmd->add_flag("--quiet", flags->quiet, "No progress lines on stderr");
  cmd->callback([flags, &exit_code] { exit_code = run_compare(*flags); });
  return cmd;
}

}  // namespace baton::cli
