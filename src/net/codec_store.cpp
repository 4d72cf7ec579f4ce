// Wire codec of the store protocol (core/messages_store.hpp). Keys and owners are 32-bit in C++
// and uint64 on the wire, so they are range-checked.
#include "net/codec_detail.hpp"

namespace baton::net::detail {
namespace {

void set_entry(wire::StoreEntry& w, const store::Entry& e) {
  w.set_owner(e.owner);
  w.set_lease(e.lease);
  w.set_create_revision(e.create_revision);
  w.set_mod_revision(e.mod_revision);
}

// An absent entry reads as the default one (create_revision 0), which the protocol means as "none".
store::Entry entry(FieldCheck& check, const wire::StoreEntry& w, std::string_view field) {
  return {.owner = check.node(w.owner(), "owner", field),
          .lease = w.lease(),
          .create_revision = w.create_revision(),
          .mod_revision = w.mod_revision()};
}

store::Key key(FieldCheck& check, std::uint64_t value, std::string_view field) {
  return check.narrow<store::Key>(value, field);
}

}  // namespace

// --- sessions / leases --------------------------------------------------------------------------

void to_wire(const store::LeaseGrant& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_lease_grant();
  w.set_request(m.request);
  w.set_ttl_ms(m.ttl_ms);
}

void to_wire(const store::LeaseGrantResult& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_lease_grant_result();
  w.set_request(m.request);
  w.set_lease(m.lease);
  w.set_ttl_ms(m.ttl_ms);
}

void to_wire(const store::LeaseKeepAlive& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_lease_keepalive();
  w.set_request(m.request);
  w.set_lease(m.lease);
}

void to_wire(const store::LeaseKeepAliveResult& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_lease_keepalive_result();
  w.set_request(m.request);
  w.set_lease(m.lease);
  w.set_ttl_ms(m.ttl_ms);
}

void to_wire(const store::LeaseRevoke& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_lease_revoke();
  w.set_request(m.request);
  w.set_lease(m.lease);
}

Decoded<Message> from_wire(const wire::StoreLeaseGrant& w) {
  return {store::LeaseGrant{.request = w.request(), .ttl_ms = w.ttl_ms()}, {}};
}

Decoded<Message> from_wire(const wire::StoreLeaseGrantResult& w) {
  return {store::LeaseGrantResult{.request = w.request(), .lease = w.lease(), .ttl_ms = w.ttl_ms()},
          {}};
}

Decoded<Message> from_wire(const wire::StoreLeaseKeepAlive& w) {
  return {store::LeaseKeepAlive{.request = w.request(), .lease = w.lease()}, {}};
}

Decoded<Message> from_wire(const wire::StoreLeaseKeepAliveResult& w) {
  return {
      store::LeaseKeepAliveResult{.request = w.request(), .lease = w.lease(), .ttl_ms = w.ttl_ms()},
      {}};
}

Decoded<Message> from_wire(const wire::StoreLeaseRevoke& w) {
  return {store::LeaseRevoke{.request = w.request(), .lease = w.lease()}, {}};
}

// --- plain keys ---------------------------------------------------------------------------------

void to_wire(const store::Put& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_put();
  w.set_request(m.request);
  w.set_key(m.key);
  w.set_owner(m.owner);
  w.set_lease(m.lease);
  w.set_expect_mod_revision(m.expect_mod_revision);
}

void to_wire(const store::PutResult& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_put_result();
  w.set_request(m.request);
  w.set_key(m.key);
  w.set_succeeded(m.succeeded);
  set_entry(*w.mutable_entry(), m.entry);
  w.set_revision(m.revision);
}

void to_wire(const store::Get& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_get();
  w.set_request(m.request);
  w.set_key(m.key);
}

void to_wire(const store::GetResult& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_get_result();
  w.set_request(m.request);
  w.set_key(m.key);
  set_entry(*w.mutable_entry(), m.entry);
  w.set_revision(m.revision);
}

Decoded<Message> from_wire(const wire::StorePut& w) {
  FieldCheck check("store_put");
  return check.finish(store::Put{.request = w.request(),
                                 .key = key(check, w.key(), "key"),
                                 .owner = check.node(w.owner(), "owner"),
                                 .lease = w.lease(),
                                 .expect_mod_revision = w.expect_mod_revision()});
}

Decoded<Message> from_wire(const wire::StorePutResult& w) {
  FieldCheck check("store_put_result");
  return check.finish(store::PutResult{.request = w.request(),
                                       .key = key(check, w.key(), "key"),
                                       .succeeded = w.succeeded(),
                                       .entry = entry(check, w.entry(), "entry"),
                                       .revision = w.revision()});
}

Decoded<Message> from_wire(const wire::StoreGet& w) {
  FieldCheck check("store_get");
  return check.finish(store::Get{.request = w.request(), .key = key(check, w.key(), "key")});
}

Decoded<Message> from_wire(const wire::StoreGetResult& w) {
  FieldCheck check("store_get_result");
  return check.finish(store::GetResult{.request = w.request(),
                                       .key = key(check, w.key(), "key"),
                                       .entry = entry(check, w.entry(), "entry"),
                                       .revision = w.revision()});
}

// --- prefixes: ephemeral sequential entries -----------------------------------------------------

void to_wire(const store::Create& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_create();
  w.set_request(m.request);
  w.set_prefix(m.prefix);
  w.set_owner(m.owner);
  w.set_lease(m.lease);
}

void to_wire(const store::CreateResult& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_create_result();
  w.set_request(m.request);
  w.set_prefix(m.prefix);
  set_entry(*w.mutable_entry(), m.entry);
  set_entry(*w.mutable_predecessor(), m.predecessor);
  set_entry(*w.mutable_lowest(), m.lowest);
  w.set_revision(m.revision);
}

void to_wire(const store::Predecessor& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_predecessor();
  w.set_request(m.request);
  w.set_prefix(m.prefix);
  w.set_sequence(m.sequence);
}

void to_wire(const store::PredecessorResult& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_predecessor_result();
  w.set_request(m.request);
  w.set_prefix(m.prefix);
  w.set_sequence(m.sequence);
  w.set_exists(m.exists);
  set_entry(*w.mutable_predecessor(), m.predecessor);
  set_entry(*w.mutable_lowest(), m.lowest);
  w.set_revision(m.revision);
}

Decoded<Message> from_wire(const wire::StoreCreate& w) {
  FieldCheck check("store_create");
  return check.finish(store::Create{.request = w.request(),
                                    .prefix = key(check, w.prefix(), "prefix"),
                                    .owner = check.node(w.owner(), "owner"),
                                    .lease = w.lease()});
}

Decoded<Message> from_wire(const wire::StoreCreateResult& w) {
  FieldCheck check("store_create_result");
  return check.finish(
      store::CreateResult{.request = w.request(),
                          .prefix = key(check, w.prefix(), "prefix"),
                          .entry = entry(check, w.entry(), "entry"),
                          .predecessor = entry(check, w.predecessor(), "predecessor"),
                          .lowest = entry(check, w.lowest(), "lowest"),
                          .revision = w.revision()});
}

Decoded<Message> from_wire(const wire::StorePredecessor& w) {
  FieldCheck check("store_predecessor");
  return check.finish(store::Predecessor{.request = w.request(),
                                         .prefix = key(check, w.prefix(), "prefix"),
                                         .sequence = w.sequence()});
}

Decoded<Message> from_wire(const wire::StorePredecessorResult& w) {
  FieldCheck check("store_predecessor_result");
  return check.finish(
      store::PredecessorResult{.request = w.request(),
                               .prefix = key(check, w.prefix(), "prefix"),
                               .sequence = w.sequence(),
                               .exists = w.exists(),
                               .predecessor = entry(check, w.predecessor(), "predecessor"),
                               .lowest = entry(check, w.lowest(), "lowest"),
                               .revision = w.revision()});
}

// --- watches ------------------------------------------------------------------------------------

void to_wire(const store::Watch& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_watch();
  w.set_request(m.request);
  w.set_key(m.key);
  w.set_create_revision(m.create_revision);
}

void to_wire(const store::WatchEvent& m, wire::Envelope& out) {
  auto& w = *out.mutable_store_watch_event();
  w.set_request(m.request);
  w.set_key(m.key);
  w.set_create_revision(m.create_revision);
  w.set_revision(m.revision);
}

Decoded<Message> from_wire(const wire::StoreWatch& w) {
  FieldCheck check("store_watch");
  return check.finish(store::Watch{.request = w.request(),
                                   .key = key(check, w.key(), "key"),
                                   .create_revision = w.create_revision()});
}

Decoded<Message> from_wire(const wire::StoreWatchEvent& w) {
  FieldCheck check("store_watch_event");
  return check.finish(store::WatchEvent{.request = w.request(),
                                        .key = key(check, w.key(), "key"),
                                        .create_revision = w.create_revision(),
                                        .revision = w.revision()});
}

}  // namespace baton::net::detail
