#include "service/health_monitor.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "service/abdication_policy.hpp"
#include "service/health_check.hpp"
#include "service/service_log.hpp"

namespace baton::service {

namespace {

using Clock = std::chrono::steady_clock;

void log_health(const std::string& line) {
  log_line("health", line);
}

void validate(const HealthOptions& o) {
  if (o.command.empty() == o.url.empty()) {
    throw std::invalid_argument("health check: set exactly one of a command and a URL");
  }
  if (!o.url.empty() && !split_url(o.url)) {
    throw std::invalid_argument("health check: not an http:// or https:// URL: " + o.url);
  }
  if (o.interval.count() <= 0) throw std::invalid_argument("health check: interval must be > 0");
  if (o.timeout.count() <= 0) throw std::invalid_argument("health check: timeout must be > 0");
}

}  // namespace

class HealthMonitor::Impl {
 public:
  Impl(NodeControl& node, HealthOptions options)
      : node_(node),
        options_(std::move(options)),
        policy_(options_.failures_to_abdicate, options_.healthy_for_before_standing) {}
  ~Impl() { stop(); }

  void start() {
    std::lock_guard lock(lifecycle_mutex_);
    if (thread_.joinable()) return;
    thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
  }

  void stop() {
    std::lock_guard lock(lifecycle_mutex_);
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
  }

  std::atomic<bool> healthy_{true};
  std::atomic<bool> standing_{true};

 private:
  void run(std::stop_token stop) {
    auto next_check = Clock::now();
    while (!stop.stop_requested()) {
      const CheckResult result =
          options_.url.empty()
              ? run_command_check(options_.command, options_.timeout, stop, options_.command_env)
              : run_url_check(options_.url, options_.timeout);
      if (stop.stop_requested()) break;
      const auto now = Clock::now();
      act(policy_.observe(now, result.passed), result);
      // Fixed rate; after a check slower than the interval the next one starts at once, without a
      // burst of catch-up checks.
      next_check = std::max(next_check + options_.interval, now);
      std::unique_lock lock(wait_mutex_);
      wake_.wait_until(lock, stop, next_check, [] { return false; });
    }
  }

  void act(AbdicationPolicy::Action action, const CheckResult& result) {
    if (!result.passed) {
      log_health("check failed (" + std::to_string(policy_.consecutive_failures()) +
                 " in a row): " + result.detail);
    } else if (!last_passed_) {
      log_health("check passed again: " + result.detail);
    }
    last_passed_ = result.passed;
    switch (action) {
      case AbdicationPolicy::Action::Abdicate:
        log_health("unhealthy for " + std::to_string(policy_.consecutive_failures()) +
                   " checks in a row: not standing for election");
        node_.set_standing(false);
        tried_.clear();
        if (node_.is_leader()) hand_over();
        break;
      case AbdicationPolicy::Action::Stand:
        log_health("healthy for " + std::to_string(options_.healthy_for_before_standing.count()) +
                   " ms: standing for election again");
        node_.set_standing(true);
        break;
      case AbdicationPolicy::Action::None:
        // Not standing but leading: it won an election that was already under way when it
        // abdicated, or the last hand-over did not take.
        if (!policy_.standing() && node_.is_leader()) {
          log_health("leading while not standing: handing over again");
          hand_over();
        }
        break;
    }
    // Published after acting, so whoever sees standing() false also sees the node told.
    healthy_ = policy_.healthy();
    standing_ = policy_.standing();
  }

  void hand_over() {
    if (const auto target = pick_transfer_target(node_.status(), tried_)) {
      tried_.insert(*target);
      const auto outcome = node_.transfer(*target);
      log_health("transferring leadership to node " + std::to_string(*target) + ": " +
                 outcome_word(outcome));
      if (outcome == RequestOutcome::Ok) return;
    } else if (tried_.empty()) {
      log_health("no connected peer heard from recently to transfer to");
    } else {
      log_health("every connected peer was asked to take over and none did");
    }
    log_health(std::string("resigning: ") + outcome_word(node_.resign()));
  }

  NodeControl& node_;
  const HealthOptions options_;
  std::mutex lifecycle_mutex_;
  std::jthread thread_;
  std::mutex wait_mutex_;
  std::condition_variable_any wake_;

  // Owned by the monitor thread.
  AbdicationPolicy policy_;
  bool last_passed_ = true;
  /// Peers asked to take over since the last abdication: a peer that did not is not asked again.
  std::set<NodeId> tried_;
};

HealthMonitor::HealthMonitor(NodeControl& node, HealthOptions options) {
  validate(options);
  impl_ = std::make_unique<Impl>(node, std::move(options));
}

HealthMonitor::~HealthMonitor() = default;

void HealthMonitor::start() {
  impl_->start();
}
void HealthMonitor::stop() {
  impl_->stop();
}
bool HealthMonitor::healthy() const {
  return impl_->healthy_;
}
bool HealthMonitor::standing() const {
  return impl_->standing_;
}

}  // namespace baton::service
