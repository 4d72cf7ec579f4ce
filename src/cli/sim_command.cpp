#include "cli/sim_command.hpp"

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/compare_command.hpp"
#include "sim/scenario_parser.hpp"
#include "sim/settings.hpp"
#include "sim/simulator.hpp"

namespace baton::cli {
namespace {

struct SimOptions {
  std::string scenario_file;
  std::optional<std::uint64_t> seed;
  std::uint64_t seeds = 1;
  std::uint64_t first_seed = 1;
  bool trace = false;
  bool json = false;
  /// Setting flags as given: key -> values (several for repeatable keys such as `clock`).
  std::map<std::string, std::vector<std::string>> settings;
};

int run_sim(const SimOptions& options) {
  sim::Scenario scenario;
  try {
    std::uint32_t nodes = 5;
    if (auto it = options.settings.find("nodes"); it != options.settings.end()) {
      // The default mix is sized by --nodes, so read it before building the default scenario.
      sim::Scenario probe;
      if (auto error = sim::apply_setting(probe, "nodes", it->second.back())) {
        std::cerr << "baton sim: --" << *error << "\n";
        return 2;
      }
      nodes = probe.nodes;
    }
    scenario = options.scenario_file.empty() ? sim::default_scenario(nodes)
                                             : sim::load_scenario(options.scenario_file);
  } catch (const sim::ScenarioError& error) {
    std::cerr << "baton sim: " << error.what() << "\n";
    return 2;
  }
  // Flags override the file: apply them after it, through the same settings table.
  for (const auto& [key, values] : options.settings) {
    for (const auto& value : values) {
      if (auto error = sim::apply_setting(scenario, key, value)) {
        std::cerr << "baton sim: --" << *error << "\n";
        return 2;
      }
    }
  }
  if (auto error = sim::validate_scenario(scenario)) {
    std::cerr << "baton sim: " << *error << "\n";
    return 2;
  }

  const std::uint64_t first = options.seed.value_or(options.first_seed);
  const std::uint64_t count = options.seed ? 1 : options.seeds;
  if (options.trace) {
    sim::RunOptions run_options;
    run_options.trace = [](const std::string& line) { std::cout << line << '\n'; };
    std::cout << "# baton sim trace: scenario " << scenario.name << ", seed " << first
              << " (replay with --seed " << first << " --trace)\n";
    sim::run_seed(scenario, first, run_options);
    std::cout << '\n';
  }
  const sim::SweepReport report = sim::sweep(scenario, first, count);
  std::cout << (options.json ? sim::to_json(report) : sim::to_text(report)) << std::endl;
  return report.ok() ? 0 : 1;
}

}  // namespace

void add_sim_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SimOptions>();
  CLI::App* sim = app.add_subcommand(
      "sim", "Run a simulated cluster through a scenario or the default fault mix");
  sim->add_option("--scenario", options->scenario_file, "Scenario file (docs/scenarios.md)")
      ->check(CLI::ExistingFile);
  auto* seed = sim->add_option("--seed", options->seed, "Run exactly this seed");
  sim->add_option("--seeds", options->seeds, "Sweep this many seeds")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{100'000'000}))
      ->excludes(seed);
  sim->add_option("--first-seed", options->first_seed, "First seed of a sweep")->excludes(seed);
  sim->add_flag("--trace", options->trace,
                "Print a readable timeline of the (first) seed before the summary");
  sim->add_flag("--json", options->json, "Print the summary as one JSON object");

  // Every scenario setting is also a flag of the same name; flags override the scenario file.
  auto settings_group = sim->add_option_group("Scenario settings", "Override the scenario file");
  for (const auto& info : sim::setting_keys()) {
    settings_group
        ->add_option_function<std::vector<std::string>>(
            "--" + info.key,
            [options, key = info.key](const std::vector<std::string>& values) {
              auto& slot = options->settings[key];
              slot.insert(slot.end(), values.begin(), values.end());
            },
            info.help)
        ->type_name(info.value)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->allow_extra_args(false);
  }
  CLI::App* compare = add_compare_command(*sim, exit_code);
  sim->callback([options, compare, &exit_code] {
    if (compare->parsed()) return;  // `baton sim compare` ran instead
    exit_code = run_sim(*options);
  });
}

}  // namespace baton::cli
