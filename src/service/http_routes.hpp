// The endpoints of docs/http-api.md as cpp-httplib handlers. HttpApi owns the server and its
// lifetime; this file only says what each path answers.
#pragma once

#include <httplib.h>

#include "service/event_stream.hpp"
#include "service/node_control.hpp"

namespace baton::service {

/// Registers every endpoint on `server`, and the JSON answers for an unknown path (404), a
/// known path with the wrong method (405, with Allow) and a handler that threw (500). `node` and
/// `streams` must outlive the server's threads.
void add_routes(httplib::Server& server, NodeControl& node, EventStreams& streams);

}  // namespace baton::service
