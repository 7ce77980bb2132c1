"""The two stronger peers of bench:quality: EASE and implicit ALS.

Run by tests/bench/quality/peers.ts from the venv it makes (requirements-peers.txt), as
    python peers.py <input.json> <output.json>
The input carries one split (training positives and the items to leave out, per user, as
catalog indices) and the settings to fit; the output, for every model and setting, each user's
top k as catalog indices. It never sees what it is judged on: the bench keeps the held-out
items to itself and scores the lists with the same metrics as every other recommender.

Ranking follows the bench's baselines: only items someone liked in training can score, the
user's whole history is left out, ties go to the more popular item, then to the lower index.
"""

import json
import sys
import time

import numpy as np
import scipy.sparse as sp

FORMAT = 1


def training_matrix(users, active):
    """Users x active items, 1 where the user liked the item in training."""
    column = {item: c for c, item in enumerate(active)}
    rows, cols = [], []
    for row, user in enumerate(users):
        for item in user["train"]:
            rows.append(row)
            cols.append(column[item])
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(users), len(active)))


def top_k(scores, users, active, popularity, k):
    """Per user, the k best active items outside their history, as catalog indices."""
    position = {item: c for c, item in enumerate(active)}
    # lexsort's last key sorts first: score, then popularity, then index (active is ascending).
    tie = popularity[active]
    lists = []
    for row, user in enumerate(users):
        s = scores[row].astype(np.float64, copy=True)
        keep = np.ones(len(active), dtype=bool)
        for item in user["exclude"]:
            c = position.get(item)
            if c is not None:
                keep[c] = False
        candidates = np.flatnonzero(keep)
        order = np.lexsort((candidates, -tie[candidates], -s[candidates]))
        lists.append([int(active[c]) for c in candidates[order[:k]]])
    return lists


def ease_scores(x, lam):
    """Steck 2019: B = I - P diagMat(1/diag(P)), P = (X'X + lam I)^-1, so diag(B) = 0."""
    gram = (x.T @ x).toarray().astype(np.float64)
    gram[np.diag_indices_from(gram)] += lam
    p = np.linalg.inv(gram)
    b = -p / np.diag(p)
    b[np.diag_indices_from(b)] = 0.0
    return np.asarray(x @ b)


def ials_scores(x, setting, seed):
    from implicit.cpu.als import AlternatingLeastSquares

    model = AlternatingLeastSquares(
        factors=int(setting["factors"]),
        regularization=float(setting["regularization"]),
        alpha=float(setting["alpha"]),
        iterations=int(setting["iterations"]),
        random_state=seed,
        num_threads=1,
    )
    model.fit(x, show_progress=False)
    return np.asarray(model.user_factors) @ np.asarray(model.item_factors).T


def main(source, target):
    with open(source, encoding="utf8") as f:
        request = json.load(f)
    if request.get("format") != FORMAT:
        raise SystemExit(f"peers.py: input format {request.get('format')}, expected {FORMAT}")
    users = request["users"]
    k = int(request["k"])
    seed = int(request["seed"])
    popularity = np.zeros(len(request["items"]), dtype=np.int64)
    for user in users:
        popularity[user["train"]] += 1
    active = np.flatnonzero(popularity > 0)
    x = training_matrix(users, active)
    runs = []
    for model in request["models"]:
        for setting in model["settings"]:
            started = time.perf_counter()
            if model["name"] == "EASE":
                scores = ease_scores(x, float(setting["lambda"]))
            elif model["name"] == "iALS":
                scores = ials_scores(x, setting, seed)
            else:
                raise SystemExit(f"peers.py: unknown model {model['name']}")
            fit_seconds = time.perf_counter() - started
            runs.append(
                {
                    "model": model["name"],
                    "setting": setting,
                    "fitSeconds": fit_seconds,
                    "lists": top_k(scores, users, active, popularity, k),
                }
            )
            print(
                f"{model['name']} {json.dumps(setting)}: fitted in {fit_seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
    with open(target, "w", encoding="utf8") as f:
        json.dump({"format": FORMAT, "items": len(active), "runs": runs}, f)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: peers.py <input.json> <output.json>")
    main(sys.argv[1], sys.argv[2])
