// One run of a health check: a command (healthy = exit status 0 within the timeout) or an HTTP GET
// (healthy = a 2xx answer within the timeout). Used by HealthMonitor (health_monitor.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

namespace baton::service {

/// The outcome of one check, with what happened for the log.
struct CheckResult {
  bool passed = false;
  std::string detail;  ///< "exit status 1", "timed out after 1000 ms", "HTTP 503", ...
};

/// Runs argv (in its own process group, like the supervised command) and waits up to `timeout`. A
/// command still running then is SIGKILLed with its group and reaped, and counts as a failure: a
/// check that hangs says as much about the service as one that fails. `stop` ends the wait early
/// (the child is killed too) so shutting the monitor down is not held up by a slow check.
/// `env` is added to the inherited environment (the node passes BATON_NODE_ID).
CheckResult run_command_check(const std::vector<std::string>& argv,
                              std::chrono::milliseconds timeout, std::stop_token stop = {},
                              const std::vector<std::pair<std::string, std::string>>& env = {});

/// A URL split for httplib::Client: "http://host:port" and the path with its query ("/" if none).
struct SplitUrl {
  std::string scheme_host_port;
  std::string path;
};
/// nullopt unless the URL is http:// or https:// with a host.
std::optional<SplitUrl> split_url(const std::string& url);

/// GET url; connect, read and write each limited to `timeout`. Redirects are not followed: a
/// health endpoint that redirects is misconfigured, and saying so is more useful than guessing.
CheckResult run_url_check(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace baton::service
