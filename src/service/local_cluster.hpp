// A cluster of `baton node` processes on 127.0.0.1, for `baton cluster up`, `baton bench failover`
// and the real-process tests. Ports are picked free, data dirs live under one directory, and
// DIR/cluster.json says where everything is so scripts can find the nodes. Only processes this
// object started are ever signalled, by PID.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "baton/node.hpp"

namespace baton::service {

struct LocalClusterOptions {
  std::string baton_binary;  ///< path of the `baton` executable to run as `baton node`
  unsigned nodes = 5;
  std::string algorithm = "raft";
  std::string dir;  ///< data dirs, logs and cluster.json go here (created)
  std::string cluster_id = "local";
  std::vector<std::pair<std::string, std::string>> settings;  ///< --set KEY=VALUE for every node
  std::vector<std::string> extra_args;                        ///< appended to every node's flags
};

struct ClusterMember {
  NodeId id = 0;
  pid_t pid = -1;  ///< -1 while not running
  std::uint16_t peer_port = 0;
  std::uint16_t http_port = 0;
  std::string data_dir;
  std::string log_file;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port); }
};

class LocalCluster {
 public:
  explicit LocalCluster(LocalClusterOptions options);
  ~LocalCluster();  ///< SIGKILLs whatever it started and still runs
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  /// Picks ports, starts every node, writes cluster.json. Throws std::runtime_error naming what
  /// failed (a dir it cannot create, a process it cannot start).
  void start();
  /// Sends `signal` to node `id` (SIGKILL: reaps it and marks it stopped).
  void signal(NodeId id, int signal);
  /// Starts node `id` again with the same ports and data dir.
  void restart(NodeId id);
  /// SIGTERM to every node, then SIGKILL after `grace_ms`; reaps all.
  void stop_all(int grace_ms = 3000);
  /// Reaps node `id` if it exited; true if it is still running.
  bool running(NodeId id);

  const std::vector<ClusterMember>& members() const { return members_; }
  const ClusterMember& member(NodeId id) const { return members_.at(id - 1); }
  std::string manifest_path() const;

 private:
  void spawn(ClusterMember& member);
  void write_manifest() const;

  LocalClusterOptions options_;
  std::vector<ClusterMember> members_;
};

/// The members listed in DIR/cluster.json. Throws std::runtime_error naming the file.
std::vector<ClusterMember> read_manifest(const std::string& dir);

}  // namespace baton::service
