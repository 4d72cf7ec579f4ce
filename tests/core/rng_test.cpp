#include <gtest/gtest.h>

#include "core/rng.hpp"

TEST(Rng, SameSeedSameSequence) {
  baton::Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    auto x = a.next();
    EXPECT_EQ(x, b.next());
    (void)c;
  }
  EXPECT_NE(baton::Rng(1).next(), baton::Rng(2).next());
}
