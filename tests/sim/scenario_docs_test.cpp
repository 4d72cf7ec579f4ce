// docs/scenarios.md documents every setting key, and its annotated example parses.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/scenario_parser.hpp"
#include "sim/settings.hpp"

namespace baton::sim {
namespace {

std::string read_doc() {
  std::ifstream in(std::string(BATON_SCENARIO_DIR) + "/../../docs/scenarios.md");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(ScenarioDocs, ListsEverySettingKey) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "docs/scenarios.md not found";
  for (const auto& info : setting_keys()) {
    EXPECT_NE(doc.find("| `" + info.key + "` |"), std::string::npos)
        << "docs/scenarios.md has no table row for '" << info.key << "'";
  }
}

TEST(ScenarioDocs, AnnotatedExampleParses) {
  const std::string doc = read_doc();
  const auto heading = doc.find("## An annotated example");
  ASSERT_NE(heading, std::string::npos);
  const auto start = doc.find("```\n", heading) + 4;
  const auto end = doc.find("```", start);
  const Scenario s = parse_scenario(doc.substr(start, end - start), "example");
  EXPECT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[1].at, 4'000'000);
  EXPECT_EQ(s.expectations.size(), 4u);
}

}  // namespace
}  // namespace baton::sim
