#include "service/restart_backoff.hpp"

#include <gtest/gtest.h>

namespace baton::service {
namespace {

using std::chrono::milliseconds;

TEST(RestartBackoff, DoublesFromMinUpToMaxAndResets) {
  RestartBackoff backoff(milliseconds(100), milliseconds(1000));
  EXPECT_EQ(backoff.next(), milliseconds(100));
  EXPECT_EQ(backoff.next(), milliseconds(200));
  EXPECT_EQ(backoff.next(), milliseconds(400));
  EXPECT_EQ(backoff.next(), milliseconds(800));
  EXPECT_EQ(backoff.next(), milliseconds(1000));
  EXPECT_EQ(backoff.next(), milliseconds(1000));
  backoff.reset();
  EXPECT_EQ(backoff.next(), milliseconds(100));
}

TEST(RestartBackoff, MaxBelowMinMeansAlwaysMin) {
  RestartBackoff backoff(milliseconds(100), milliseconds(50));
  EXPECT_EQ(backoff.next(), milliseconds(100));
  EXPECT_EQ(backoff.next(), milliseconds(100));
}

}  // namespace
}  // namespace baton::service
