#include "cli/bench_settings.hpp"

#include "service/node_config.hpp"
#include "sim/settings.hpp"

namespace baton::cli {

BenchSettings parse_bench_settings(const std::string& algorithm,
                                   const std::vector<std::string>& flags) {
  BenchSettings out;
  out.scenario.algorithm = algorithm;
  for (const auto& text : flags) {
    auto setting = service::parse_setting(text);
    if (auto error = sim::apply_node_setting(out.scenario, setting.first, setting.second)) {
      throw service::ConfigError("--set " + *error);
    }
    out.pairs.push_back(std::move(setting));
  }
  return out;
}

}  // namespace baton::cli
