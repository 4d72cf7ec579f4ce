// Fuzzes the `baton node` config parser: any input either parses or throws ConfigError with a
// message naming the place; nothing else may escape, crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "service/node_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto config = baton::service::parse_config(text, "fuzz.toml");
    try {
      baton::service::validate(config);
    } catch (const baton::service::ConfigError&) {
    }
  } catch (const baton::service::ConfigError& error) {
    if (std::string_view(error.what()).rfind("fuzz.toml", 0) != 0) __builtin_trap();
  }
  try {
    (void)baton::service::parse_peers(text, "--peers");
  } catch (const baton::service::ConfigError&) {
  }
  return 0;
}
