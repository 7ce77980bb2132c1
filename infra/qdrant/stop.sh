#!/usr/bin/env bash
# Stops the server that start.sh started and removes its temporary storage. Does nothing, and
# succeeds, when no server is running.
#
# Environment (optional):
#   QDRANT_STOP_TIMEOUT_SECONDS  how long a clean shutdown may take before the server is killed (15)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
state_dir="$here/.state"
timeout_seconds="${QDRANT_STOP_TIMEOUT_SECONDS:-15}"

log() { printf 'infra/qdrant: %s\n' "$*" >&2; }

if [[ ! -d "$state_dir" ]]; then
  log "no server state; nothing to stop"
  exit 0
fi

work_dir="$(cat "$state_dir/dir" 2>/dev/null || true)"

if [[ -f "$state_dir/pid" ]]; then
  pid="$(cat "$state_dir/pid")"
  # Only signal the process if it still is our server, running in the folder start.sh made for
  # it: a pid can be reused, and other Qdrant servers on this machine are someone else's.
  if kill -0 "$pid" 2>/dev/null && [[ -n "$work_dir" ]] &&
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$work_dir" ]]; then
    terminate "$pid" "$timeout_seconds" server
  fi
fi

[[ -z "$work_dir" ]] || remove_work_dir "$work_dir" tailor-qdrant

rm -rf "$state_dir"
log "server stopped"
