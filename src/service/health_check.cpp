#include "service/health_check.hpp"

#include <algorithm>
#include <sstream>
#include <string_view>
#include <thread>

#include "service/child_process.hpp"
#include "service/with_httplib.hpp"

namespace baton::service {

namespace {
/// Granularity of the wait for a check command: how late a timeout or a stop request is noticed.
constexpr std::chrono::milliseconds kCheckPollInterval{5};
}  // namespace

CheckResult run_command_check(const std::vector<std::string>& argv,
                              std::chrono::milliseconds timeout, std::stop_token stop,
                              const std::vector<std::pair<std::string, std::string>>& env) {
  auto spawned = ChildProcess::spawn(argv, env);
  if (!spawned.child) return {false, "could not start: " + spawned.error};
  ChildProcess& child = *spawned.child;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    const auto slice = std::min<std::chrono::steady_clock::duration>(
        kCheckPollInterval, std::max(std::chrono::steady_clock::duration{0}, deadline - now));
    if (auto status = child.wait_for(std::chrono::ceil<std::chrono::milliseconds>(slice))) {
      return {status->exited() && status->code() == 0, status->describe()};
    }
    if (stop.stop_requested()) {
      child.kill_and_reap();
      return {false, "stopped"};
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      child.kill_and_reap();
      return {false, "timed out after " + std::to_string(timeout.count()) + " ms"};
    }
  }
}

std::optional<SplitUrl> split_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return std::nullopt;
  const std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return std::nullopt;
  const auto host_begin = scheme_end + 3;
  const auto path_begin = url.find_first_of("/?", host_begin);
  const auto host_end = path_begin == std::string::npos ? url.size() : path_begin;
  if (host_end == host_begin) return std::nullopt;
  SplitUrl out;
  out.scheme_host_port = url.substr(0, host_end);
  const std::string_view rest = path_begin == std::string::npos
                                    ? std::string_view()
                                    : std::string_view(url).substr(path_begin);
  // Built in a stream: GCC 12 warns falsely (-Wrestrict, PR105651) on "/" followed by an append.
  std::ostringstream path;
  if (rest.empty() || rest.front() == '?') path << '/';
  path << rest;
  out.path = path.str();
  return out;
}

CheckResult run_url_check(const std::string& url, std::chrono::milliseconds timeout) {
  const auto split = split_url(url);
  if (!split) return {false, "not an http(s) URL: " + url};
  httplib::Client client(split->scheme_host_port);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  client.set_follow_location(false);
  const auto result = client.Get(split->path);
  if (!result) return {false, "GET failed: " + httplib::to_string(result.error())};
  const int status = result->status;
  return {status >= 200 && status < 300, "HTTP " + std::to_string(status)};
}

}  // namespace baton::service
