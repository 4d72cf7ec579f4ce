// SequentialElector: step() and the store's answers (lease grant and keep-alive, Create,
// Predecessor, WatchEvent).
#include "core/sequential/sequential_elector.hpp"

namespace baton::sequential {

void SequentialElector::step(const Envelope& envelope) {
  if (envelope.from != config_.store) {
    // The recipe talks only to the store; candidates never message each other.
    emit(CoreEventKind::MessageIgnored, envelope.from, "sender is not the store");
    return;
  }
  // Exhaustive: every alternative of Message needs an on(...) overload or this does not compile.
  std::visit([&](const auto& message) { on(message); }, envelope.message);
}

void SequentialElector::on(const store::LeaseGrantResult& m) {
  // An answer to a grant we gave up on is revoked by the session (its lease would hold nothing).
  if (session_.on(m, output_.messages) != store_client::SessionChange::Granted) {
    emit(CoreEventKind::MessageIgnored, config_.store, "grant answers no request in flight");
    return;
  }
  // The session is live: take our place in the queue.
  if (auto* joining = std::get_if<Joining>(&role_)) send_create(*joining);
}

void SequentialElector::on(const store::LeaseKeepAliveResult& m) {
  const store_client::SessionChange change = session_.on(m, now_ticks_, output_.messages);
  if (change == store_client::SessionChange::Lost) {
    // The store ended our lease, so our entry is gone and someone else may lead already: step down
    // at once and queue again (the session is already asking for a new lease).
    start_over("store says the session expired", false);
  } else if (change == store_client::SessionChange::None) {
    emit(CoreEventKind::MessageIgnored, config_.store,
         "keep-alive answer for no request in flight");
  }
}

void SequentialElector::on(const store::CreateResult& m) {
  auto* joining = std::get_if<Joining>(&role_);
  if (joining == nullptr || m.request != joining->create_request || m.prefix != config_.prefix) {
    emit(CoreEventKind::MessageIgnored, config_.store, "Create answer for no request in flight");
    return;
  }
  if (m.entry.create_revision == 0 || m.entry.lease != session_.lease()) {
    // The store has no entry for our lease: the lease ended between grant and Create.
    start_over("store created no entry for our session", true);
    return;
  }
  place(m.entry, m.predecessor, m.lowest);
}

void SequentialElector::on(const store::PredecessorResult& m) {
  auto* waiting = std::get_if<Waiting>(&role_);
  if (waiting == nullptr || m.request != waiting->check_request || m.prefix != config_.prefix ||
      m.sequence != waiting->own.create_revision) {
    emit(CoreEventKind::MessageIgnored, config_.store,
         "Predecessor answer for no request in flight");
    return;
  }
  if (!m.exists) {
    // Our entry is gone: the store ended our session (we have not heard yet). Waiting on would
    // be waiting for nothing; a new entry is the only way back into the queue.
    start_over("own entry gone", true);
    return;
  }
  // Either nothing is below us any more (we lead), or the predecessor died while an earlier entry
  // lives (ZooKeeper recipe: "watch the next lower znode"), which we watch instead.
  place(waiting->own, m.predecessor, m.lowest);
}

void SequentialElector::on(const store::WatchEvent& m) {
  auto* waiting = std::get_if<Waiting>(&role_);
  if (waiting == nullptr || m.key != config_.prefix ||
      m.create_revision != waiting->predecessor.create_revision) {
    // An event for an entry we no longer watch (a re-armed watch may fire twice).
    emit(CoreEventKind::MessageIgnored, config_.store, "event for an entry not watched");
    return;
  }
  if (waiting->check_request != 0) return;  // already re-checking
  // Our predecessor is gone, but that alone does not make us the lowest: an earlier entry may
  // live. Ask the store rather than assume (ZooKeeper recipe, step 5 of leader election).
  send_check(*waiting);
}

}  // namespace baton::sequential
