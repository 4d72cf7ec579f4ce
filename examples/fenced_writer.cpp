// A downstream resource guarded by fence tokens: appends a line to a file only if the writer's
// token is not older than the newest that wrote. Meant for run-while-leader:
//
//   baton node ... --exec -- fenced_writer /shared/journal.txt "nightly job ran"
//
// takes the token from BATON_FENCE_TOKEN. A deposed leader that wakes up late and writes is
// refused (exit status 3), however late it is.
#include <baton/fence.hpp>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " FILE LINE   (token from BATON_FENCE_TOKEN)\n";
    return 2;
  }
  const char* token_text = std::getenv("BATON_FENCE_TOKEN");
  if (token_text == nullptr) {
    std::cerr << "fenced_writer: BATON_FENCE_TOKEN is not set (run under baton node --exec)\n";
    return 2;
  }
  try {
    baton::FencedFile file(argv[1]);
    const baton::FenceToken token = std::strtoull(token_text, nullptr, 10);
    if (!file.append(token, argv[2])) {
      std::cerr << "fenced_writer: token " << token << " is stale (newest is " << file.highest()
                << "); write refused\n";
      return 3;
    }
  } catch (const std::exception& error) {
    std::cerr << "fenced_writer: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
