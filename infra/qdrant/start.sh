#!/usr/bin/env bash
# Starts a local Qdrant server on 127.0.0.1 without Docker, from the prebuilt binary in
# ../shared/bin (or QDRANT_BIN), on free ports, with its storage in a fresh temporary directory.
# Prints `QDRANT_URL=http://127.0.0.1:<port>` on stdout (and nothing else), so
# `export "$(infra/qdrant/start.sh)"` works; progress goes to stderr. The same line is kept in
# infra/qdrant/.state/env. Running it while the server is up just prints the line again.
#
# Environment (all optional):
#   QDRANT_BIN                    the server binary (<repo>/../shared/bin/qdrant)
#   QDRANT_SHA256                 the sha256 it must have (the pinned 1.19.0 build's, for the
#                                 default binary; for a QDRANT_BIN of your own, checked only when set)
#   QDRANT_START_TIMEOUT_SECONDS  how long to wait for /readyz (30)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
state_dir="$here/.state"
timeout_seconds="${QDRANT_START_TIMEOUT_SECONDS:-30}"
# Qdrant 1.19.0 built from tag v1.19.0, as recorded in ../shared/bin/README.md.
pinned_sha256=7e2d56c1863aedac7fcc595451164287536f9b8cb864ba2c6c22a56e45e762eb

log() { printf 'infra/qdrant: %s\n' "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

command -v python3 >/dev/null || fail "python3 not found (used to pick free ports)"
command -v curl >/dev/null || fail "curl not found (used to ask the server whether it is ready)"

ready() {
  curl -sf --max-time 2 "$1/readyz" >/dev/null 2>&1
}

# Already running: say where, and leave it alone.
already_running "$state_dir" QDRANT_URL server ready && exit 0
if [[ -f "$state_dir/pid" && -f "$state_dir/env" ]]; then
  log "stale state from a server that is gone; cleaning it up"
  "$here/stop.sh" >&2
fi

if [[ -n "${QDRANT_BIN:-}" ]]; then
  bin="$QDRANT_BIN"
  expected_sha256="${QDRANT_SHA256:-}"
else
  bin="$here/../../../shared/bin/qdrant"
  expected_sha256="${QDRANT_SHA256:-$pinned_sha256}"
fi
[[ -x "$bin" ]] || fail "no Qdrant binary at $bin (set QDRANT_BIN to a Qdrant server build)"
bin="$(readlink -f "$bin")"
if [[ -n "$expected_sha256" ]]; then
  actual_sha256="$(sha256sum "$bin" | cut -d' ' -f1)"
  [[ "$actual_sha256" == "$expected_sha256" ]] ||
    fail "$bin has sha256 $actual_sha256, expected $expected_sha256 (set QDRANT_SHA256 for another build)"
fi
version="$("$bin" --version 2>/dev/null)" || fail "$bin does not run (--version failed)"

read -r http_port grpc_port < <(free_ports 2)
url="http://127.0.0.1:$http_port"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/tailor-qdrant-XXXXXX")"
mkdir -p "$work_dir/storage" "$work_dir/snapshots" "$work_dir/logs"
mkdir -p "$state_dir"
echo "$work_dir" >"$state_dir/dir"

# Run from its own folder: Qdrant writes relative paths (./storage, ./snapshots, a temp dir)
# when a setting does not name them. setsid: it must outlive this script and ignore a Ctrl-C
# meant for the caller's shell. Its default host is 0.0.0.0, so the host is always set.
(
  cd "$work_dir"
  QDRANT__SERVICE__HOST=127.0.0.1 \
    QDRANT__SERVICE__HTTP_PORT="$http_port" \
    QDRANT__SERVICE__GRPC_PORT="$grpc_port" \
    QDRANT__STORAGE__STORAGE_PATH="$work_dir/storage" \
    QDRANT__STORAGE__SNAPSHOTS_PATH="$work_dir/snapshots" \
    QDRANT__STORAGE__TEMP_PATH="$work_dir/tmp" \
    QDRANT__TELEMETRY_DISABLED=true \
    QDRANT__LOG_LEVEL="${QDRANT__LOG_LEVEL:-WARN}" \
    exec setsid "$bin" >"$work_dir/logs/stdout.log" 2>&1 </dev/null
) &
pid=$!
echo "$pid" >"$state_dir/pid"
log "$version starting (pid $pid) on $url, gRPC on 127.0.0.1:$grpc_port"

deadline=$((SECONDS + timeout_seconds))
until ready "$url"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "the server exited during start-up; last lines of its log:"
    tail -n 40 "$work_dir/logs/stdout.log" >&2 2>/dev/null || true
    "$here/stop.sh" >&2
    fail "server did not start"
  fi
  if ((SECONDS >= deadline)); then
    log "the server was not ready within ${timeout_seconds}s; last lines of its log:"
    tail -n 40 "$work_dir/logs/stdout.log" >&2 2>/dev/null || true
    "$here/stop.sh" >&2
    fail "server start timed out (raise QDRANT_START_TIMEOUT_SECONDS on a slow machine)"
  fi
  sleep 0.2
done

echo "QDRANT_URL=$url" >"$state_dir/env"
log "server ready; storage and log in $work_dir"
echo "QDRANT_URL=$url"
