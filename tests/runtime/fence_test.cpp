#include "baton/fence.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace baton {
namespace {

TEST(Fence, GateAdmitsOnlyTokensAtLeastTheHighest) {
  FenceGate gate;
  EXPECT_TRUE(gate.admit(3));
  EXPECT_TRUE(gate.admit(3)) << "the same leader writes again";
  EXPECT_TRUE(gate.admit(5));
  EXPECT_FALSE(gate.admit(4)) << "a deposed leader's late write";
  EXPECT_EQ(gate.highest(), 5u);
}

TEST(Fence, FencedFileRefusesAStaleWriterAcrossHandles) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("baton-fence-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "journal.txt").string();
  FencedFile old_leader(path);
  FencedFile new_leader(path);  // another process, in real life
  EXPECT_TRUE(old_leader.append(4, "old leader, term 4"));
  EXPECT_TRUE(new_leader.append(5, "new leader, term 5"));
  EXPECT_FALSE(old_leader.append(4, "old leader wakes up late"));
  EXPECT_EQ(old_leader.highest(), 5u);
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "old leader, term 4\nnew leader, term 5\n");
  std::filesystem::remove_all(dir);
  EXPECT_THROW(FencedFile("/nonexistent-dir/x").append(1, "x"), std::runtime_error);
}

}  // namespace
}  // namespace baton
