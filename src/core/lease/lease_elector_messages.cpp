// LeaseElector: step() and the store answers it acts on.
#include "core/lease/lease_elector.hpp"

namespace baton::lease {

void LeaseElector::step(const Envelope& envelope) {
  if (envelope.from != config_.store) {
    // Candidates never talk to each other in this recipe: only the store's word counts.
    emit(CoreEventKind::MessageIgnored, envelope.from, "not from the store");
    return;
  }
  std::visit([&](const auto& message) { on(message); }, envelope.message);
}

void LeaseElector::on(const store::LeaseGrantResult& m) {
  on_session(session_.on(m, output_.messages));
}

void LeaseElector::on(const store::LeaseKeepAliveResult& m) {
  on_session(session_.on(m, now_ticks_, output_.messages));
}

void LeaseElector::on_session(store_client::SessionChange change) {
  using store_client::SessionChange;
  if (change == SessionChange::Lost) {
    // The store dropped our lease, and with it our key: we lead no more, and a Put in flight
    // names a dead lease.
    put_request_ = 0;
    const store::Entry held = known_holder();
    if (std::holds_alternative<Leading>(role_) || held.owner == config_.id) {
      step_down("session lost");
      seek(jitter_ticks(), "our session was lost");
    }
    return;
  }
  if (change == SessionChange::None) return;
  // Confirmed again: if we stepped down while the key may still be ours, re-read now rather than
  // at the next retry: that re-read is what lets us claim it back.
  if (auto* f = std::get_if<Following>(&role_); f != nullptr && f->holder.owner == config_.id) {
    f->next_read_tick = now_ticks_;
  }
}

void LeaseElector::on(const store::PutResult& m) {
  if (m.request == 0 || m.request != put_request_ || m.key != config_.key) {
    emit(CoreEventKind::MessageIgnored, config_.store, "answer to an old Put");
    return;
  }
  put_request_ = 0;
  if (!m.succeeded && m.entry.create_revision == 0) {
    // Refused with the key free: the store does not know our lease (it expired unseen). Trying
    // again at once would loop; the session's next keepalive will report the loss.
    seek(retry_ticks(), "Put refused: lease not alive on the store");
    return;
  }
  observe(m.entry);
}

void LeaseElector::on(const store::GetResult& m) {
  if (m.request == 0 || m.request != get_request_ || m.key != config_.key) {
    emit(CoreEventKind::MessageIgnored, config_.store, "answer to an old Get");
    return;
  }
  get_request_ = 0;
  observe(m.entry);
}

void LeaseElector::observe(const store::Entry& entry) {
  note_token(entry.create_revision);
  if (entry.create_revision == 0) {
    step_down("the key is gone");
    // Free: compete after a small random delay (or, resigned, only look again later).
    seek(on_hold() ? retry_ticks() : jitter_ticks(), "the key is free");
    return;
  }
  if (is_ours(entry) && session_.valid_at(now_ticks_) && !on_hold()) {
    if (auto* l = std::get_if<Leading>(&role_)) {
      l->entry = entry;
    } else {
      become_leader(entry);
    }
    return;
  }
  step_down("another entry holds the key");
  follow(entry);
}

void LeaseElector::on(const store::WatchEvent& m) {
  if (m.key != config_.key) {
    emit(CoreEventKind::MessageIgnored, config_.store, "watch event of another key");
    return;
  }
  const store::Entry held = known_holder();
  if (held.create_revision == 0 || m.create_revision != held.create_revision) {
    // An event for an entry we no longer follow (we learnt of a newer holder meanwhile).
    emit(CoreEventKind::MessageIgnored, config_.store, "watch event of an old holder");
    return;
  }
  // The holder's entry was deleted (its lease expired or was revoked): the key is free.
  step_down("our entry was deleted");
  seek(on_hold() ? retry_ticks() : jitter_ticks(), "the holder's entry was deleted");
}

}  // namespace baton::lease
