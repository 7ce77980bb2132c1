#!/usr/bin/env bash
# Stops the broker that start.sh started and removes its temporary data. Does nothing, and
# succeeds, when no broker is running.
#
# Environment (optional):
#   KAFKA_STOP_TIMEOUT_SECONDS  how long a clean shutdown may take before the broker is killed (30)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
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
    log "stopping broker (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + timeout_seconds))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        log "broker still running after ${timeout_seconds}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  fi
fi

if [[ -f "$state_dir/dir" ]]; then
  work_dir="$(cat "$state_dir/dir")"
  # Guard against removing anything but a directory start.sh made.
  case "$work_dir" in
    */tailor-kafka-*) rm -rf "$work_dir" ;;
    *) log "not removing unexpected directory '$work_dir'" ;;
  esac
fi

rm -rf "$state_dir"
log "broker stopped"
