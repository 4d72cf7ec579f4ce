#include "service/transfer_target.hpp"

#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

namespace baton::service {
namespace {

using nlohmann::json;

constexpr std::string_view kUsage = "send {\"to\": <node id>} or ?to=<node id>";

TransferTarget fail(std::string message) {
  return {0, std::move(message)};
}

/// Node ids start at 1 (0 means "none" everywhere in baton) and fit in NodeId.
TransferTarget checked(std::uint64_t id, std::string_view shown) {
  if (id == 0) return fail("\"to\" must be a node id; 0 is not one (ids start at 1)");
  if (id > std::numeric_limits<NodeId>::max()) {
    return fail("\"to\" is out of range for a node id: " + std::string(shown));
  }
  return {static_cast<NodeId>(id), {}};
}

TransferTarget from_field(std::string_view text) {
  std::uint64_t id = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, id);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return fail("to=" + std::string(text) + " is not a node id (a positive integer)");
  }
  if (ec == std::errc::result_out_of_range) {
    return fail("\"to\" is out of range for a node id: " + std::string(text));
  }
  return checked(id, text);
}

/// nullopt when the body is JSON without a "to" member, so the query may supply it.
std::optional<TransferTarget> from_json(std::string_view body) {
  const json document = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return fail("the body is not valid JSON; " + std::string(kUsage));
  if (!document.is_object()) return fail("the body must be a JSON object; " + std::string(kUsage));
  const auto member = document.find("to");
  if (member == document.end() || member->is_null()) return std::nullopt;
  const std::string shown = member->dump(-1, ' ', false, json::error_handler_t::replace);
  if (member->is_number_unsigned()) return checked(member->get<std::uint64_t>(), shown);
  return fail("\"to\" must be a node id (a positive integer), got " + shown);
}

}  // namespace

TransferTarget parse_transfer_target(std::string_view json_body,
                                     const std::optional<std::string>& field) {
  const bool has_body = json_body.find_first_not_of(" \t\r\n") != std::string_view::npos;
  std::optional<TransferTarget> body_target = has_body ? from_json(json_body) : std::nullopt;
  std::optional<TransferTarget> field_target =
      field ? std::optional<TransferTarget>(from_field(*field)) : std::nullopt;
  if (body_target && !body_target->ok()) return *body_target;
  if (field_target && !field_target->ok()) return *field_target;
  if (body_target && field_target && body_target->to != field_target->to) {
    return fail("the body names node " + std::to_string(body_target->to) + " but to= names node " +
                std::to_string(field_target->to));
  }
  if (body_target) return *body_target;
  if (field_target) return *field_target;
  return fail("missing the target node; " + std::string(kUsage));
}

}  // namespace baton::service
