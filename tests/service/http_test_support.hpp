// An HttpApi on 127.0.0.1 (a free port) in front of a FakeNode, and clients for it with short
// timeouts so a broken server fails a test instead of hanging it.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>

#include "service/fake_node.hpp"
#include "service/http_api.hpp"

namespace baton::service::testing {

class ApiUnderTest {
 public:
  ApiUnderTest() : api_(std::make_unique<HttpApi>(node, HttpApiOptions{"127.0.0.1:0"})) {
    api_->start();
  }

  HttpApi& api() { return *api_; }
  std::uint16_t port() const { return api_->port(); }

  httplib::Client client() const {
    httplib::Client client("127.0.0.1", api_->port());
    client.set_connection_timeout(2);
    client.set_read_timeout(2);
    client.set_write_timeout(2);
    return client;
  }

  FakeNode node;

 private:
  std::unique_ptr<HttpApi> api_;
};

/// Milliseconds `f` took.
template <typename F>
long long elapsed_ms(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace baton::service::testing
