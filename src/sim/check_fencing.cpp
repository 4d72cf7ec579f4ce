#include "sim/check_fencing.hpp"

namespace baton::sim {

std::optional<std::string> FencingChecker::on_accepted(FenceToken token, NodeId writer) {
  if (!any_ || token > max_token_) {
    any_ = true;
    max_token_ = token;
    max_writer_ = writer;
    return std::nullopt;
  }
  if (token < max_token_) {
    return "stale write accepted: n" + std::to_string(writer) + " token " + std::to_string(token) +
           " after token " + std::to_string(max_token_) + " from n" + std::to_string(max_writer_);
  }
  if (writer != max_writer_) {
    return "stale write accepted: n" + std::to_string(writer) + " reused token " +
           std::to_string(token) + " already written by n" + std::to_string(max_writer_);
  }
  return std::nullopt;
}

}  // namespace baton::sim
