#!/usr/bin/env bash
# Stops the server that start.sh started and removes its temporary folder (the venv and the
# weights in the cache dir stay). Does nothing, and succeeds, when no server is running.
#
# Environment (optional):
#   LLM_STOP_TIMEOUT_SECONDS  how long a clean shutdown may take before the server is killed (10)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
state_dir="$here/.state"
timeout_seconds="${LLM_STOP_TIMEOUT_SECONDS:-10}"

log() { printf 'infra/llm: %s\n' "$*" >&2; }

if [[ ! -d "$state_dir" ]]; then
  log "no server state; nothing to stop"
  exit 0
fi

work_dir="$(cat "$state_dir/dir" 2>/dev/null || true)"

if [[ -f "$state_dir/pid" ]]; then
  pid="$(cat "$state_dir/pid")"
  # Only signal the process if it still is our server, running in the folder start.sh made for
  # it: a pid can be reused, and other LLM servers on this machine are someone else's.
  if kill -0 "$pid" 2>/dev/null && [[ -n "$work_dir" ]] &&
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$work_dir" ]]; then
    terminate "$pid" "$timeout_seconds" server
  fi
fi

[[ -z "$work_dir" ]] || remove_work_dir "$work_dir" tailor-llm

rm -rf "$state_dir"
log "server stopped"
