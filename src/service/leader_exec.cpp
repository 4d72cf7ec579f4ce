#include "service/leader_exec.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "service/child_process.hpp"
#include "service/restart_backoff.hpp"
#include "service/service_log.hpp"

namespace baton::service {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// How often the supervisor looks at the lease while nothing else happens. Cheap (one call that
/// reads the node's state), and it bounds how late a lease running low is noticed; the
/// safety_margin has to cover it.
constexpr milliseconds kLeasePollInterval{5};
// A new leader holds no lease until a quorum has answered it (Raft: its first heartbeat round),
// so "no lease" is only worth a log line once it has lasted this long.
constexpr milliseconds kNoLeaseNoticeAfter{1000};
/// How often a stop looks whether the child has gone: it usually exits right after SIGTERM.
constexpr milliseconds kStopPollInterval{1};
/// Events are few (one per leadership change); a slow reader gets FellBehind and a Snapshot.
constexpr std::size_t kSubscriptionCapacity = 256;

long long to_ms(Clock::duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

/// Rounds up so a wait never ends just before the instant it waits for (which would spin).
milliseconds wait_ms(Clock::duration d) {
  return std::max(milliseconds{1}, std::chrono::ceil<milliseconds>(d));
}

void log_run(const std::string& line) {
  log_line("run", line);
}

void validate(const LeaderExecOptions& o) {
  if (o.command.empty()) throw std::invalid_argument("run-while-leader: the command is empty");
  if (o.grace < milliseconds{0}) throw std::invalid_argument("run-while-leader: grace < 0");
  if (o.safety_margin < milliseconds{0}) {
    throw std::invalid_argument("run-while-leader: safety margin < 0");
  }
  if (o.restart_backoff_min <= milliseconds{0} || o.restart_backoff_min > o.restart_backoff_max) {
    throw std::invalid_argument("run-while-leader: restart backoff needs 0 < min <= max (got min " +
                                std::to_string(o.restart_backoff_min.count()) + " ms, max " +
                                std::to_string(o.restart_backoff_max.count()) + " ms)");
  }
}

}  // namespace

class LeaderExec::Impl {
 public:
  Impl(NodeControl& node, LeaderExecOptions options)
      : node_(node),
        options_(std::move(options)),
        backoff_(options_.restart_backoff_min, options_.restart_backoff_max) {}
  ~Impl() { stop(); }

  void start() {
    std::lock_guard lock(lifecycle_mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    // Subscribed before start() returns, so no event after start() can be missed.
    subscription_ = node_.subscribe(kSubscriptionCapacity);
    thread_ = std::thread([this] { run(); });
  }

  void stop() {
    std::lock_guard lock(lifecycle_mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    subscription_->close();
    thread_.join();
    subscription_.reset();
  }

  std::atomic<int> pid_{0};
  std::atomic<std::uint64_t> starts_{0};
  /// Clock ticks since the steady clock's epoch; kNeverReaped before the first reap.
  static constexpr Clock::rep kNeverReaped = std::numeric_limits<Clock::rep>::min();
  std::atomic<Clock::rep> reaped_at_{kNeverReaped};

 private:
  /// What the event stream last said about this node.
  struct View {
    bool is_leader = false;
    NodeId node = 0;
    Term term = 0;
    FenceToken token = 0;
  };

  void run() {
    while (!stopping_) {
      const auto waited_from = Clock::now();
      const auto budget = wait_budget(waited_from);
      if (auto event = subscription_->next(budget)) {
        apply(*event);
        while (auto more = subscription_->next(milliseconds{0})) apply(*more);
      } else if (!stopping_ && Clock::now() < waited_from + budget) {
        // A stopped node's subscription returns at once; do not spin on it.
        std::this_thread::sleep_until(waited_from + budget);
      }
      if (stopping_) break;
      step(Clock::now());
    }
    if (child_) stop_child("supervisor stopping");
  }

  /// How long the loop may sleep: the poll interval, shortened so it wakes right when the lease
  /// nears its end or a backoff ends.
  milliseconds wait_budget(Clock::time_point now) const {
    Clock::duration budget = kLeasePollInterval;
    if (child_ && lease_deadline_) {
      const auto stop_at = *lease_deadline_ - options_.safety_margin;
      budget = std::min(budget, std::max(Clock::duration{0}, stop_at - now));
    }
    if (!child_ && next_start_at_ > now) budget = std::min(budget, next_start_at_ - now);
    return wait_ms(budget);
  }

  void apply(const LeadershipEvent& event) {
    // Events were lost; the Snapshot that follows carries the current view.
    if (event.kind == LeadershipEventKind::FellBehind) return;
    const bool new_tenure = event.is_leader && (!view_.is_leader || event.term != view_.term);
    view_ = {event.is_leader, event.node, event.term, event.is_leader ? event.fence_token : 0};
    if (new_tenure) {
      backoff_.reset();
      longest_remaining_ = Clock::duration{0};
      next_start_at_ = {};
      resigned_ = false;
      waiting_logged_ = false;
      tenure_began_ = Clock::now();
    }
  }

  void step(Clock::time_point now) {
    const auto lease = node_.lease_valid_until();
    if (lease) {
      lease_deadline_ = lease;
      longest_remaining_ = std::max(longest_remaining_, *lease - now);
    }
    if (child_) {
      if (auto status = child_->poll()) {
        on_child_exit(*status, now);
      } else if (auto reason = stop_reason(now, lease)) {
        stop_child(*reason);
      }
    }
    if (!child_ && may_start(now, lease)) start_child(now);
  }

  std::optional<std::string> stop_reason(Clock::time_point now,
                                         std::optional<Clock::time_point> lease) const {
    if (!view_.is_leader) return "leadership lost";
    if (!lease) return "lease no longer valid";
    if (view_.token != child_token_) return "fence token changed";
    // A renewed lease keeps its remaining time near the longest seen this tenure (Raft's is about
    // an election timeout, far shorter than a typical grace). Half of it gone means renewals
    // stopped: begin the stop then; stop_child() caps the grace so SIGKILL lands by
    // deadline - safety_margin whatever the child does.
    const auto remaining = *lease - now;
    if (remaining < longest_remaining_ / 2 || remaining < options_.safety_margin) {
      return "lease not renewed: it ends in " + std::to_string(to_ms(remaining)) + " ms";
    }
    return std::nullopt;
  }

  bool may_start(Clock::time_point now, std::optional<Clock::time_point> lease) {
    if (!view_.is_leader || resigned_ || now < next_start_at_) return false;
    // Without a lease there is no deadline to keep the child inside, so it does not run at all.
    if (!lease) {
      if (now - tenure_began_ >= kNoLeaseNoticeAfter) {
        log_waiting("leading for " + std::to_string(to_ms(now - tenure_began_)) +
                    " ms without a lease (the algorithm or its settings grant none, or no "
                    "quorum answers): not starting");
      }
      return false;
    }
    const auto needed = options_.safety_margin;
    if (*lease - now < longest_remaining_ / 2) return false;  // not renewed: stop_reason() says why
    if (*lease - now <= needed) {
      // A lease this short could not be honoured: the stop would have to begin at once.
      log_waiting("leading but the lease has " + std::to_string(to_ms(*lease - now)) +
                  " ms left, not more than the safety margin (" + std::to_string(needed.count()) +
                  " ms): not starting; use a longer lease or a smaller margin");
      return false;
    }
    return true;
  }

  /// Why a leader is not starting its command, once per leadership: the poll would repeat it
  /// every 5 ms.
  void log_waiting(const std::string& why) {
    if (waiting_logged_) return;
    waiting_logged_ = true;
    log_run(why);
  }

  void start_child(Clock::time_point now) {
    auto spawned =
        ChildProcess::spawn(options_.command, {{"BATON_FENCE_TOKEN", std::to_string(view_.token)},
                                               {"BATON_NODE_ID", std::to_string(view_.node)},
                                               {"BATON_TERM", std::to_string(view_.term)}});
    if (!spawned.child) {
      log_run("could not start " + describe_command(options_.command) + ": " + spawned.error);
      after_exit(now, Clock::duration{0});
      return;
    }
    child_ = std::move(spawned.child);
    child_token_ = view_.token;
    child_started_at_ = now;
    waiting_logged_ = false;  // the next wait gets its line
    pid_ = child_->pid();
    ++starts_;
    log_run("started pid " + std::to_string(child_->pid()) + " (node " +
            std::to_string(view_.node) + ", term " + std::to_string(view_.term) + ", fence token " +
            std::to_string(view_.token) + "): " + describe_command(options_.command));
  }

  /// SIGTERM, wait until grace is up or the lease deadline - safety_margin, whichever is first,
  /// then SIGKILL; always reaps. Blocks: nothing else matters until the child is gone, and the
  /// lease is still polled while waiting in case it is cut short.
  void stop_child(const std::string& reason) {
    const auto pid = child_->pid();
    const auto began = Clock::now();
    auto kill_at = began + options_.grace;
    if (lease_deadline_) kill_at = std::min(kill_at, *lease_deadline_ - options_.safety_margin);
    if (kill_at > began) {
      child_->signal_group(SIGTERM);
      log_run("stopping pid " + std::to_string(pid) + " (" + reason + "): SIGTERM, SIGKILL in " +
              std::to_string(to_ms(kill_at - began)) + " ms");
    } else {
      log_run("stopping pid " + std::to_string(pid) + " (" + reason +
              "): no time left for a grace period before the lease deadline");
    }
    std::optional<ExitStatus> status;
    bool killed = false;
    while (!(status = child_->poll())) {
      if (const auto lease = node_.lease_valid_until()) {
        lease_deadline_ = lease;
        kill_at = std::min(kill_at, *lease - options_.safety_margin);
      }
      const auto now = Clock::now();
      if (now >= kill_at) {
        status = child_->kill_and_reap();
        killed = true;
        break;
      }
      std::this_thread::sleep_for(std::min<Clock::duration>(kStopPollInterval, kill_at - now));
    }
    reaped_at_ = Clock::now().time_since_epoch().count();
    log_run("pid " + std::to_string(pid) + (killed ? " SIGKILLed" : " stopped") + " after " +
            std::to_string(to_ms(Clock::now() - began)) + " ms: " + status->describe());
    child_.reset();
    pid_ = 0;
  }

  void on_child_exit(const ExitStatus& status, Clock::time_point now) {
    reaped_at_ = Clock::now().time_since_epoch().count();
    log_run("pid " + std::to_string(child_->pid()) + " exited on its own after " +
            std::to_string(to_ms(now - child_started_at_)) + " ms: " + status.describe());
    const auto ran_for = now - child_started_at_;
    child_.reset();
    pid_ = 0;
    if (view_.is_leader) after_exit(now, ran_for);
  }

  /// The command ended (or could not start) while this node leads.
  void after_exit(Clock::time_point now, Clock::duration ran_for) {
    if (options_.on_exit == LeaderExecOptions::OnExit::Resign) {
      resigned_ = true;  // not again in this tenure, even if the Demoted event is slow to come
      const auto outcome = node_.resign();
      log_run(std::string("command ended while leading: resigning (") + outcome_word(outcome) +
              ")");
      return;
    }
    // A child that ran for a long time before it ended is not crash-looping.
    if (ran_for >= backoff_.max()) backoff_.reset();
    const auto delay = backoff_.next();
    next_start_at_ = now + delay;
    log_run("restarting in " + std::to_string(delay.count()) + " ms");
  }

  NodeControl& node_;
  const LeaderExecOptions options_;
  std::mutex lifecycle_mutex_;
  std::unique_ptr<EventSubscription> subscription_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};

  // Owned by the supervisor thread.
  View view_;
  std::optional<Clock::time_point> lease_deadline_;  ///< the last one the node reported
  Clock::duration longest_remaining_{0};             ///< longest lease time left seen this tenure
  std::optional<ChildProcess> child_;
  FenceToken child_token_ = 0;
  Clock::time_point child_started_at_{};
  RestartBackoff backoff_;
  Clock::time_point next_start_at_{};
  Clock::time_point tenure_began_{};
  bool resigned_ = false;
  bool waiting_logged_ = false;
};

LeaderExec::LeaderExec(NodeControl& node, LeaderExecOptions options) {
  validate(options);
  impl_ = std::make_unique<Impl>(node, std::move(options));
}

LeaderExec::~LeaderExec() = default;

void LeaderExec::start() {
  impl_->start();
}
void LeaderExec::stop() {
  impl_->stop();
}
bool LeaderExec::child_running() const {
  return impl_->pid_ != 0;
}
int LeaderExec::child_pid() const {
  return impl_->pid_;
}
std::uint64_t LeaderExec::starts() const {
  return impl_->starts_;
}
std::optional<std::chrono::steady_clock::time_point> LeaderExec::last_reaped_at() const {
  const auto ticks = impl_->reaped_at_.load();
  if (ticks == Impl::kNeverReaped) return std::nullopt;
  return Clock::time_point(Clock::duration(ticks));
}

}  // namespace baton::service
