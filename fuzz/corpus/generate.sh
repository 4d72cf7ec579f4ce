#!/usr/bin/env bash
# Regenerates the checked-in seed corpora from the text-format envelopes below, with protoc:
#   envelope_fuzzer/      one encoded wire.proto Envelope per file
#   frame_decoder_fuzzer/ one chunk-size seed byte, then length-prefixed frames (net/frame.hpp)
# Run after changing wire.proto in a way that makes these seeds stale; commit the result.
set -euo pipefail
cd "$(dirname "$0")"
proto_dir=../../src/net

seeds=(
  'vote_request|from: 1 to: 2 vote_request { term: 5 pre_vote: true last_log_index: 10 last_log_term: 4 leadership_transfer: true }'
  'heartbeat_response|from: 2 to: 1 heartbeat_response { term: 5 round: 99 accepted: true }'
  'bully_coordinator|from: 5 to: 1 bully_coordinator { epoch: 4 }'
  'ring_election|from: 2 to: 3 ring_election { initiator: 2 best: 5 epoch: 8 sequence: 1 }'
  'paxos_promise|from: 3 to: 1 paxos_promise { ballot { round: 7 node: 3 } granted: true promised { round: 6 node: 2 } accepted { round: 5 node: 1 } accepted_leader: 1 }'
  'zab_notification|from: 1 to: 4 zab_notification { vote { epoch: 2 zxid: 100 leader: 4 } election_round: 3 state: ZAB_PEER_STATE_FOLLOWING }'
  'store_create_result|from: 9 to: 1 store_create_result { request: 12 prefix: 2 entry { owner: 9 lease: 77 create_revision: 40 mod_revision: 40 } predecessor { owner: 8 lease: 70 create_revision: 39 mod_revision: 39 } lowest { owner: 1 lease: 3 create_revision: 2 mod_revision: 2 } revision: 41 }'
)

# Prints one frame: a 4-byte big-endian length, then the payload file's bytes.
frame() {
  local n
  n=$(stat -c %s "$1")
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n >> 24 & 255)) $((n >> 16 & 255)) \
    $((n >> 8 & 255)) $((n & 255)))"
  cat "$1"
}

rm -rf envelope_fuzzer frame_decoder_fuzzer
mkdir -p envelope_fuzzer frame_decoder_fuzzer
for seed in "${seeds[@]}"; do
  name=${seed%%|*}
  protoc --proto_path="$proto_dir" --encode=baton.wire.Envelope wire.proto \
    <<<"${seed#*|}" >"envelope_fuzzer/$name"
  { printf '\x07'; frame "envelope_fuzzer/$name"; } >"frame_decoder_fuzzer/$name"
done
# A whole conversation in one stream, split two different ways.
for split in 01 2a; do
  {
    printf "\\x$split"
    for f in envelope_fuzzer/*; do frame "$f"; done
  } >"frame_decoder_fuzzer/stream_$split"
done
