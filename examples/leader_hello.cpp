// The smallest program that uses baton's C++ API: run one member of a cluster in your own process,
// do work only while leading, and stamp every write with the fence token.
//
//   leader_hello ID DATA_DIR LISTEN [PEER_ID=HOST:PORT ...]
//   e.g. leader_hello 1 /tmp/hello-1 127.0.0.1:7101 2=127.0.0.1:7102 3=127.0.0.1:7103
//
// Runs until SIGINT/SIGTERM, handing leadership over first if it leads.
#include <signal.h>

#include <baton/node.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: " << argv[0] << " ID DATA_DIR LISTEN [PEER_ID=HOST:PORT ...]\n";
    return 2;
  }
  baton::NodeOptions options;
  options.id = static_cast<baton::NodeId>(std::strtoul(argv[1], nullptr, 10));
  options.data_dir = argv[2];
  options.listen = argv[3];
  for (int i = 4; i < argc; ++i) {
    const std::string peer = argv[i];
    const auto eq = peer.find('=');
    if (eq == std::string::npos) {
      std::cerr << "peer '" << peer << "': expected ID=HOST:PORT\n";
      return 2;
    }
    options.peers[static_cast<baton::NodeId>(std::stoul(peer.substr(0, eq)))] = peer.substr(eq + 1);
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    baton::Node node(options);
    node.on_elected = [](const baton::LeadershipEvent& e) {
      std::cout << "elected in term " << e.term << ", fence token " << e.fence_token << std::endl;
    };
    node.on_demoted = [](const baton::LeadershipEvent& e) {
      std::cout << "no longer leader (term " << e.term << ")" << std::endl;
    };
    node.start();

    std::thread worker([&node] {
      auto events = node.subscribe();
      while (auto event = events->next(std::chrono::milliseconds(500))) {
        // Check leadership and the lease right before acting, and carry the token to the resource.
        if (node.is_leader() && node.lease_valid()) {
          std::cout << "leader: writing with fence token " << node.fence_token() << std::endl;
        }
      }
    });
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    if (node.is_leader()) node.hand_over(std::chrono::seconds(2));
    node.stop();  // ends the subscription, so the worker returns
    worker.join();
  } catch (const baton::NodeError& error) {
    std::cerr << "leader_hello: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
