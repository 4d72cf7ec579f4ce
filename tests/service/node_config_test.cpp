#include "service/node_config.hpp"

#include <gtest/gtest.h>

namespace baton::service {
namespace {

std::string error_of(std::string_view toml) {
  try {
    parse_config(toml, "node.toml");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(NodeConfig, ParsesEverySection) {
  const auto config = parse_config(R"(
id = 2
cluster-id = "prod"
listen = "127.0.0.1:7002"
http = "127.0.0.1:8002"
data-dir = "/tmp/baton-2"
algorithm = "raft"
log-format = "json"
shutdown-handover-ms = 500

[peers]
1 = "127.0.0.1:7001"
3 = "127.0.0.1:7003"

[settings]
election-timeout-ms = "100-200"
heartbeat-ms = 10
pre-vote = true
max-clock-drift = 0.02

[exec]
command = ["sh", "-c", "echo hi"]
grace-ms = 500
on-exit = "resign"

[health]
url = "http://127.0.0.1:9000/health"
failures = 5
)",
                                   "node.toml");
  EXPECT_EQ(config.node.id, 2u);
  EXPECT_EQ(config.node.cluster_id, "prod");
  EXPECT_EQ(config.node.peers.at(3), "127.0.0.1:7003");
  EXPECT_EQ(config.http_listen, "127.0.0.1:8002");
  EXPECT_EQ(config.log_format, "json");
  EXPECT_EQ(config.shutdown_handover.count(), 500);
  ASSERT_EQ(config.node.settings.size(), 4u);
  const auto has = [&](const std::string& key, const std::string& value) {
    for (const auto& setting : config.node.settings) {
      if (setting.first == key) return setting.second == value;
    }
    return false;
  };
  EXPECT_TRUE(has("heartbeat-ms", "10"));
  EXPECT_TRUE(has("pre-vote", "on"));
  EXPECT_TRUE(has("max-clock-drift", "0.02"));
  EXPECT_TRUE(has("election-timeout-ms", "100-200"));
  EXPECT_EQ(config.exec.command.size(), 3u);
  EXPECT_TRUE(config.exec.resign_on_exit);
  EXPECT_EQ(config.exec.grace.count(), 500);
  EXPECT_EQ(config.health.failures, 5u);
}

TEST(NodeConfig, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("id = 1\nbogus = 3\n"), "node.toml:2:9: unknown key 'bogus'");
  EXPECT_EQ(error_of("id = \"one\"\n"), "node.toml:1:6: id: expected an integer");
  // A float is refused before any conversion (out of range, converting it is undefined).
  EXPECT_EQ(error_of("id = 89009009990990E9\n"), "node.toml:1:6: id: expected an integer");
  EXPECT_EQ(error_of("id = 2.0\n"), "node.toml:1:6: id: expected an integer");
  EXPECT_EQ(error_of("id = 0\n"), "node.toml:1:6: id: 0 is out of range 1..4294967295");
  EXPECT_EQ(error_of("[peers]\nx = \"a:1\"\n"),
            "node.toml:2:5: peers: 'x' is not a node id (1 or more)");
  EXPECT_EQ(error_of("[exec]\non-exit = \"retry\"\n"),
            "node.toml:2:11: exec.on-exit: expected restart or resign, got 'retry'");
  EXPECT_EQ(error_of("[health]\nspeed = 1\n"), "node.toml:2:9: unknown key 'speed' in [health]");
  const std::string syntax = error_of("id = = 1\n");
  EXPECT_EQ(syntax.rfind("node.toml:1:", 0), 0u) << syntax;
}

TEST(NodeConfig, TheExampleFileParsesAndValidates) {
  const auto config = load_config_file(std::string(BATON_SOURCE_DIR) + "/examples/node.toml");
  validate(config);
  EXPECT_EQ(config.node.peers.size(), 2u);
  EXPECT_EQ(config.node.algorithm, "raft");
  Node node(config.node);  // the settings are ones a node accepts
  EXPECT_THROW(load_config_file("/nonexistent/node.toml"), ConfigError);
}

TEST(NodeConfig, PeersFlag) {
  const auto peers = parse_peers("2=127.0.0.1:7002,3=h:7003", "--peers");
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_EQ(peers.at(3), "h:7003");
  EXPECT_THROW(parse_peers("2", "--peers"), ConfigError);
  EXPECT_THROW(parse_peers("2=a:1,2=b:2", "--peers"), ConfigError);
  try {
    parse_peers("zero=a:1", "--peers");
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "--peers: 'zero' is not a node id (1 or more)");
  }
}

TEST(NodeConfig, SettingFlagAndValidation) {
  EXPECT_EQ(parse_setting("heartbeat-ms=10").second, "10");
  EXPECT_THROW(parse_setting("heartbeat-ms"), ConfigError);
  DaemonConfig config;
  EXPECT_THROW(validate(config), ConfigError);
  config.node.id = 1;
  EXPECT_THROW(validate(config), ConfigError) << "no data dir";
  config.node.data_dir = "/tmp/x";
  validate(config);
  config.log_format = "xml";
  EXPECT_THROW(validate(config), ConfigError);
}

}  // namespace
}  // namespace baton::service
