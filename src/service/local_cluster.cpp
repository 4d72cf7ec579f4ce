#include "service/local_cluster.hpp"

#include "net/loopback_ports.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace baton::service {
namespace fs = std::filesystem;

LocalCluster::LocalCluster(LocalClusterOptions options) : options_(std::move(options)) {}

LocalCluster::~LocalCluster() {
  for (auto& member : members_) {
    if (member.pid > 0) {
      ::kill(member.pid, SIGKILL);
      ::waitpid(member.pid, nullptr, 0);
      member.pid = -1;
    }
  }
}

std::string LocalCluster::manifest_path() const {
  return options_.dir + "/cluster.json";
}

void LocalCluster::start() {
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec) throw std::runtime_error("cannot create " + options_.dir + ": " + ec.message());
  members_.clear();
  const auto ports = net::reserve_loopback_ports(2 * std::size_t{options_.nodes});
  for (unsigned i = 1; i <= options_.nodes; ++i) {
    ClusterMember member;
    member.id = i;
    member.peer_port = ports[2 * (i - 1)];
    member.http_port = ports[2 * (i - 1) + 1];
    member.data_dir = options_.dir + "/node-" + std::to_string(i);
    member.log_file = options_.dir + "/node-" + std::to_string(i) + ".log";
    members_.push_back(member);
  }
  for (auto& member : members_) spawn(member);
  write_manifest();
}

void LocalCluster::spawn(ClusterMember& member) {
  std::string peers;
  for (const auto& other : members_) {
    if (other.id == member.id) continue;
    if (!peers.empty()) peers += ",";
    peers += std::to_string(other.id) + "=127.0.0.1:" + std::to_string(other.peer_port);
  }
  std::vector<std::string> args{options_.baton_binary,
                                "node",
                                "--id",
                                std::to_string(member.id),
                                "--cluster-id",
                                options_.cluster_id,
                                "--listen",
                                "127.0.0.1:" + std::to_string(member.peer_port),
                                "--http",
                                "127.0.0.1:" + std::to_string(member.http_port),
                                "--data-dir",
                                member.data_dir,
                                "--algorithm",
                                options_.algorithm};
  if (!peers.empty()) {
    args.push_back("--peers");
    args.push_back(peers);
  }
  for (const auto& [key, value] : options_.settings) {
    args.push_back("--set");
    args.push_back(key + "=" + value);
  }
  for (const auto& extra : options_.extra_args) args.push_back(extra);

  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int log_fd =
      ::open(member.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    throw std::runtime_error("cannot open " + member.log_file + ": " + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // A node must not outlive the process that started it (a test or `cluster up` that dies).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  member.pid = pid;
}

void LocalCluster::signal(NodeId id, int sig) {
  ClusterMember& member = members_.at(id - 1);
  if (member.pid <= 0) return;
  ::kill(member.pid, sig);
  if (sig == SIGKILL) {
    ::waitpid(member.pid, nullptr, 0);
    member.pid = -1;
    write_manifest();
  }
}

void LocalCluster::restart(NodeId id) {
  ClusterMember& member = members_.at(id - 1);
  if (member.pid > 0) signal(id, SIGKILL);
  spawn(member);
  write_manifest();
}

bool LocalCluster::running(NodeId id) {
  ClusterMember& member = members_.at(id - 1);
  if (member.pid <= 0) return false;
  if (::waitpid(member.pid, nullptr, WNOHANG) == member.pid) {
    member.pid = -1;
    return false;
  }
  return true;
}

void LocalCluster::stop_all(int grace_ms) {
  for (auto& member : members_) {
    if (member.pid > 0) ::kill(member.pid, SIGTERM);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  for (auto& member : members_) {
    while (member.pid > 0) {
      if (::waitpid(member.pid, nullptr, WNOHANG) == member.pid) {
        member.pid = -1;
      } else if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(member.pid, SIGKILL);
        ::waitpid(member.pid, nullptr, 0);
        member.pid = -1;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }
  write_manifest();
}

void LocalCluster::write_manifest() const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& m : members_) {
    nodes.push_back({{"id", m.id},
                     {"pid", m.pid},
                     {"peer_port", m.peer_port},
                     {"http_port", m.http_port},
                     {"url", m.url()},
                     {"data_dir", m.data_dir},
                     {"log", m.log_file}});
  }
  const nlohmann::json manifest{
      {"cluster_id", options_.cluster_id}, {"algorithm", options_.algorithm}, {"nodes", nodes}};
  const std::string tmp = manifest_path() + ".tmp";
  {
    std::ofstream out(tmp);
    out << manifest.dump(2) << "\n";
  }
  fs::rename(tmp, manifest_path());
}

std::vector<ClusterMember> read_manifest(const std::string& dir) {
  const std::string path = dir + "/cluster.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read (is a cluster running there?)");
  std::vector<ClusterMember> members;
  try {
    const auto manifest = nlohmann::json::parse(in);
    for (const auto& node : manifest.at("nodes")) {
      ClusterMember m;
      m.id = node.at("id").get<NodeId>();
      m.pid = node.at("pid").get<pid_t>();
      m.peer_port = node.at("peer_port").get<std::uint16_t>();
      m.http_port = node.at("http_port").get<std::uint16_t>();
      m.data_dir = node.value("data_dir", "");
      m.log_file = node.value("log", "");
      members.push_back(m);
    }
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(path + ": " + error.what());
  }
  return members;
}

}  // namespace baton::service
