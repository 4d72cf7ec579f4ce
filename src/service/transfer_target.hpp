// Reading the target of POST /v1/transfer from what a client sent: a JSON body {"to": 3}, a query
// or form field to=3, or both if they agree. Apart from the server so every malformed request can
// be tested as data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "baton/node.hpp"

namespace baton::service {

/// The node a transfer request names, or why it names none (the 400 response's message).
struct TransferTarget {
  NodeId to = 0;      ///< valid only when error is empty
  std::string error;  ///< e.g. "\"to\" must be a node id (a positive integer), got \"three\""
  bool ok() const { return error.empty(); }
};

/// `json_body` is the request body when it is meant as JSON (empty when there is none or it was a
/// form); `field` is the `to` query or form parameter if present. Zero, negative, fractional,
/// non-numeric and out-of-range ids are refused; so are two sources that disagree.
TransferTarget parse_transfer_target(std::string_view json_body,
                                     const std::optional<std::string>& field);

}  // namespace baton::service
