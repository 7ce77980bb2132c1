#!/usr/bin/env bash
# Stops the broker that start.sh started and removes its temporary data. Does nothing, and
# succeeds, when no broker is running.
#
# Environment (optional):
#   KAFKA_STOP_TIMEOUT_SECONDS  how long a clean shutdown may take before the broker is killed (30)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
state_dir="$here/.state"
timeout_seconds="${KAFKA_STOP_TIMEOUT_SECONDS:-30}"

log() { printf 'infra/kafka: %s\n' "$*" >&2; }

if [[ ! -d "$state_dir" ]]; then
  log "no broker state; nothing to stop"
  exit 0
fi

if [[ -f "$state_dir/pid" ]]; then
  pid="$(cat "$state_dir/pid")"
  # Only signal the process if it still is our broker: a pid can be reused after a reboot.
  if kill -0 "$pid" 2>/dev/null && grep -q 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null; then
    terminate "$pid" "$timeout_seconds" broker
  fi
fi

if [[ -f "$state_dir/dir" ]]; then
  remove_work_dir "$(cat "$state_dir/dir")" tailor-kafka
fi

rm -rf "$state_dir"
log "broker stopped"
