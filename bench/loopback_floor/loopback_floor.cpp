// The kernel's floor for an idle leader's traffic on loopback: a leader process and N follower
// processes, nothing but the messages. Every interval the leader reads its followers' answers
// without waiting (as baton's leader reads deferred input) and sends each a 30-byte heartbeat;
// each follower answers with 30 bytes. Prints each process's share of a core. `one-way` gives
// each direction its own connection (baton before 2026-12-07), `shared` answers on the
// heartbeat's connection; in both a follower blocks in read(), so the leader's send wakes it and
// loopback bills that wake-up to the leader. `on-beat` is baton's pattern since 2026-12-07: shared,
// and a follower leaves heartbeats in the kernel (SO_RCVLOWAT) and reads and answers on its own
// timer a millisecond after each is due, so the leader's send wakes no one. `answer-every` makes an
// on-beat follower answer only every Nth heartbeat (0: never), to weigh what answers cost a leader.
//
// Usage: loopback_floor one-way|shared|on-beat [followers=4] [seconds=10] [interval-ms=10]
//        [answer-every=1]
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

int listen_on_loopback(std::uint16_t& port) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&address), length) != 0 || listen(s, 16) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    die("listen");
  }
  port = ntohs(address.sin_port);
  return s;
}

int dial_loopback(std::uint16_t port) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const int one = 1;
  if (s < 0 || connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    die("dial");
  }
  return s;
}

int accept_one(int listener) {
  const int s = accept(listener, nullptr, nullptr);
  const int one = 1;
  if (s < 0 || setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) die("accept");
  return s;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Reads the first heartbeat as it arrives to learn the beat, then reads and answers on a timer
// one millisecond after each next heartbeat, the heartbeats waiting in the kernel meanwhile.
void follow_on_beat(int in, char* buffer, std::size_t size, const std::string& answer,
                    int interval_ms, long answer_every) {
  if (read(in, buffer, size) <= 0 || write(in, answer.data(), answer.size()) < 0) return;
  timespec arrived{};
  clock_gettime(CLOCK_MONOTONIC, &arrived);
  const int never_below = 1 << 20;
  if (setsockopt(in, SOL_SOCKET, SO_RCVLOWAT, &never_below, sizeof never_below) != 0 ||
      fcntl(in, F_SETFL, O_NONBLOCK) != 0) {
    die("defer");
  }
  const long first_ns = arrived.tv_nsec + (interval_ms + 1) * 1000000L;
  const long interval_ns = interval_ms * 1000000L;
  const itimerspec beat{{interval_ns / 1000000000L, interval_ns % 1000000000L},
                        {arrived.tv_sec + first_ns / 1000000000L, first_ns % 1000000000L}};
  const int timer = timerfd_create(CLOCK_MONOTONIC, 0);
  if (timer < 0 || timerfd_settime(timer, TFD_TIMER_ABSTIME, &beat, nullptr) != 0) die("timer");
  for (long beats = 1;;) {
    std::uint64_t expirations = 0;
    if (read(timer, &expirations, sizeof expirations) < 0) die("timer read");
    bool heard = false;
    for (;;) {
      const ssize_t n = read(in, buffer, size);
      if (n == 0) return;  // the leader is done
      if (n < 0) break;    // EAGAIN: all read
      heard = true;
    }
    if (!heard) continue;
    const bool answer_this = answer_every != 0 && ++beats % answer_every == 0;
    if (answer_this && write(in, answer.data(), answer.size()) < 0) return;
  }
}

void follow(int in, int out, bool on_beat, int interval_ms, long answer_every, int seconds,
            int index) {
  const double start = cpu_seconds();
  char buffer[256];
  const std::string answer(30, 'a');
  if (on_beat) {
    follow_on_beat(in, buffer, sizeof buffer, answer, interval_ms, answer_every);
  } else {
    while (read(in, buffer, sizeof buffer) > 0) {
      if (write(out, answer.data(), answer.size()) < 0) break;
    }
  }
  std::printf("follower %d: %.2f %% of a core\n", index, (cpu_seconds() - start) / seconds * 100);
  std::exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "one-way" && mode != "shared" && mode != "on-beat") {
    std::fprintf(stderr,
                 "usage: %s one-way|shared|on-beat [followers] [seconds] [interval-ms] "
                 "[answer-every]\n",
                 argv[0]);
    return 2;
  }
  const bool on_beat = mode == "on-beat";
  const bool shared = mode != "one-way";
  const int followers = argc > 2 ? std::atoi(argv[2]) : 4;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 10;
  const int interval_ms = argc > 4 ? std::atoi(argv[4]) : 10;
  const long answer_every = argc > 5 ? std::atol(argv[5]) : 1;
  if (followers < 1 || seconds < 1 || interval_ms < 1) {
    std::fprintf(stderr, "followers, seconds and interval-ms must be positive\n");
    return 2;
  }
  if (answer_every < 0 || (answer_every != 1 && !on_beat)) {
    std::fprintf(stderr, "answer-every must be 0 or more, and other than 1 only with on-beat\n");
    return 2;
  }
  std::uint16_t leader_port = 0;
  const int leader_listener = listen_on_loopback(leader_port);
  std::vector<int> to_follower, from_follower;
  std::vector<pid_t> children;
  for (int i = 0; i < followers; ++i) {
    std::uint16_t port = 0;
    const int listener = listen_on_loopback(port);
    const pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      const int in = accept_one(listener);
      follow(in, shared ? in : dial_loopback(leader_port), on_beat, interval_ms, answer_every,
             seconds, i + 1);
    }
    children.push_back(child);
    close(listener);
    to_follower.push_back(dial_loopback(port));
    from_follower.push_back(shared ? to_follower.back() : accept_one(leader_listener));
    fcntl(from_follower.back(), F_SETFL, O_NONBLOCK);
  }
  const int timer = timerfd_create(CLOCK_MONOTONIC, 0);
  const long interval_ns = interval_ms * 1000000L;
  const itimerspec every{{interval_ns / 1000000000L, interval_ns % 1000000000L},
                         {interval_ns / 1000000000L, interval_ns % 1000000000L}};
  if (timer < 0 || timerfd_settime(timer, 0, &every, nullptr) != 0) die("timerfd");
  const std::string heartbeat(30, 'h');
  char buffer[4096];
  const double start = cpu_seconds();
  for (long round = 0; round < seconds * 1000L / interval_ms; ++round) {
    std::uint64_t expirations = 0;
    if (read(timer, &expirations, sizeof expirations) < 0) die("timer read");
    for (int s : from_follower) {
      while (read(s, buffer, sizeof buffer) > 0) {
      }
    }
    for (int s : to_follower) {
      if (write(s, heartbeat.data(), heartbeat.size()) < 0) die("send");
    }
  }
  std::printf("leader (%s, %d followers, %d ms): %.2f %% of a core\n", argv[1], followers,
              interval_ms, (cpu_seconds() - start) / seconds * 100);
  std::fflush(stdout);
  for (int s : to_follower) shutdown(s, SHUT_WR);
  for (pid_t child : children) waitpid(child, nullptr, 0);
  return 0;
}
