#!/usr/bin/env bash
# Installs the pinned kustomize and kubeconform that render and validate the Kubernetes overlays
# (tests/deploy), built from source with Go through the Go module proxy. They go to
# $TAILOR_TOOLS_DIR, by default ~/.cache/tailor/bin (where the tests look), and a second run
# with the same versions does nothing. A cold build takes a few minutes, most of it kustomize.
set -euo pipefail

KUSTOMIZE_VERSION=v5.8.2
KUBECONFORM_VERSION=v0.8.0

dir="${TAILOR_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tailor/bin}"
mkdir -p "$dir"

install_tool() {
  local name=$1 module=$2 version=$3
  # The stamp records which version the binary was built from.
  local stamp="$dir/.$name.version"
  if [ -x "$dir/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
    echo "$name $version: already in $dir" >&2
    return
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: Go is needed to build $name $version" >&2
    exit 1
  fi
  echo "$name $version: building into $dir" >&2
  GOBIN="$dir" go install "$module@$version"
  echo "$version" >"$stamp"
}

install_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"
install_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
echo "$dir"
