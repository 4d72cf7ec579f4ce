#include "storage/hard_state_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "storage/hard_state_record.hpp"

namespace baton::storage {
namespace {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed with everything in it afterwards.
class HardStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "baton-hard-state-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write(const fs::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good());
  }

  /// load() must throw a StorageError whose message names the file and contains `reason`.
  static void expect_load_error(const HardStateFile& file, const std::string& reason) {
    try {
      const auto state = file.load();
      ADD_FAILURE() << "load() succeeded (" << (state ? "a state" : "nullopt")
                    << "), expected: " << reason;
    } catch (const StorageError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(file.path().string()), std::string::npos) << what;
      EXPECT_NE(what.find(reason), std::string::npos) << what;
    }
  }

  fs::path root_;
  const HardState state_{.term = 0x0102030405060708, .voted_for = 0xA1B2C3D4, .epoch = 42};
};

TEST_F(HardStateFileTest, RoundTrips) {
  HardStateFile file(root_);
  file.save(state_);
  EXPECT_EQ(file.load(), state_);
  // A second save replaces the first, and a fresh object reads the same file.
  const HardState next{.term = 9, .voted_for = kNoNode, .epoch = ~std::uint64_t{0}};
  file.save(next);
  EXPECT_EQ(HardStateFile(root_).load(), next);
  EXPECT_EQ(file.path(), root_ / "hard_state");
  EXPECT_EQ(fs::file_size(file.path()), kHardStateRecordBytes);
}

TEST_F(HardStateFileTest, MissingFileIsNoState) {
  EXPECT_EQ(HardStateFile(root_).load(), std::nullopt);
  EXPECT_EQ(HardStateFile(root_ / "not" / "there").load(), std::nullopt);
}

TEST_F(HardStateFileTest, EverySingleBitFlipIsAnError) {
  HardStateFile file(root_);
  file.save(state_);
  const std::string good = read(file.path());
  ASSERT_EQ(good.size(), kHardStateRecordBytes);
  for (std::size_t bit = 0; bit < good.size() * 8; ++bit) {
    SCOPED_TRACE("bit " + std::to_string(bit));
    std::string bad = good;
    bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
    write(file.path(), bad);
    // Which check catches the flip depends on where it landed.
    const std::string reason = bit < 32   ? "not a hard state file"
                               : bit < 64 ? "unknown format version"
                                          : "checksum mismatch";
    expect_load_error(file, reason);
  }
}

TEST_F(HardStateFileTest, TruncationAtEveryLengthIsAnError) {
  HardStateFile file(root_);
  file.save(state_);
  const std::string good = read(file.path());
  for (std::size_t length = 0; length < good.size(); ++length) {
    SCOPED_TRACE("length " + std::to_string(length));
    write(file.path(), good.substr(0, length));
    expect_load_error(file, "truncated: " + std::to_string(length) + " of 32 bytes");
  }
}

TEST_F(HardStateFileTest, TrailingBytesAreAnError) {
  HardStateFile file(root_);
  file.save(state_);
  write(file.path(), read(file.path()) + "x");
  expect_load_error(file, "trailing data");
}

TEST_F(HardStateFileTest, ForeignFileIsNotReadAsState) {
  HardStateFile file(root_);
  write(file.path(), "term = 3\nvoted_for = 2\nepoch = 1\n");
  expect_load_error(file, "not a hard state file");
}

TEST_F(HardStateFileTest, UnwritableDirectoryIsAnErrorNamingThePath) {
  // A directory under a regular file can be neither created nor written, even by root.
  const fs::path blocker = root_ / "blocker";
  write(blocker, "a regular file");
  HardStateFile file(blocker / "state");
  try {
    file.save(state_);
    ADD_FAILURE() << "save() succeeded";
  } catch (const StorageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(file.path().string()), std::string::npos) << what;
    EXPECT_NE(what.find("cannot create directory"), std::string::npos) << what;
  }
  // The directory itself being a regular file fails at the temp file, naming it.
  HardStateFile on_file(blocker);
  try {
    on_file.save(state_);
    ADD_FAILURE() << "save() succeeded";
  } catch (const StorageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(on_file.path().string()), std::string::npos) << what;
    EXPECT_NE(what.find("Not a directory"), std::string::npos) << what;
  }
  // load() from under a file is an error too, not "no state".
  expect_load_error(on_file, "cannot open: Not a directory");
}

TEST_F(HardStateFileTest, FailedSaveLeavesTheOldStateAndNoTempFile) {
  HardStateFile file(root_);
  file.save(state_);
  // A directory where the temp file should go makes the temp write fail after the old file exists.
  fs::create_directory(root_ / "hard_state.tmp");
  EXPECT_THROW(file.save(HardState{.term = 99, .voted_for = 1, .epoch = 1}), StorageError);
  EXPECT_EQ(file.load(), state_);
}

TEST_F(HardStateFileTest, LeftoverTempFileIsIgnored) {
  HardStateFile file(root_);
  const fs::path temp = root_ / "hard_state.tmp";
  // A crash mid-save before any state was ever saved: still no state.
  write(temp, encode_hard_state(state_).substr(0, 13));
  EXPECT_EQ(file.load(), std::nullopt);
  // With a saved state, a torn or even a complete newer temp file does not change what loads.
  file.save(state_);
  write(temp, "torn");
  EXPECT_EQ(file.load(), state_);
  write(temp, encode_hard_state(HardState{.term = 77, .voted_for = 3, .epoch = 0}));
  EXPECT_EQ(file.load(), state_);
  // And the next save goes through, replacing the leftover.
  const HardState next{.term = 78, .voted_for = 4, .epoch = 5};
  file.save(next);
  EXPECT_EQ(file.load(), next);
  EXPECT_FALSE(fs::exists(temp));
}

TEST_F(HardStateFileTest, CreatesTheDirectoryIfMissing) {
  const fs::path dir = root_ / "a" / "b" / "c";
  HardStateFile file(dir);
  file.save(state_);
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_EQ(file.load(), state_);
}

TEST(HardStateRecord, IsLittleEndianWithMagicAndVersion) {
  const std::string bytes = encode_hard_state(HardState{.term = 1, .voted_for = 2, .epoch = 3});
  ASSERT_EQ(bytes.size(), kHardStateRecordBytes);
  EXPECT_EQ(bytes.substr(0, 4), "BTHS");
  EXPECT_EQ(bytes.substr(4, 4), std::string("\x01\0\0\0", 4));
  EXPECT_EQ(bytes.substr(8, 8), std::string("\x01\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(bytes.substr(16, 4), std::string("\x02\0\0\0", 4));
  EXPECT_EQ(bytes.substr(20, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
}

TEST(HardStateRecord, NamesAnUnknownVersion) {
  std::string bytes = encode_hard_state(HardState{});
  bytes[4] = 2;
  EXPECT_EQ(decode_hard_state(bytes).error,
            "unknown format version 2 (this build reads version 1)");
}

}  // namespace
}  // namespace baton::storage
