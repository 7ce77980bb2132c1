import os from 'node:os';
import path from 'node:path';

import {
  createHashedEmbedder,
  createLocalEmbedder,
  type Embedder,
  missingModelFiles,
  silentLogger,
} from '@tailor/kit';

import { runHeader } from '../lib/machine.js';
import { fixed, printTable, runBench, say } from '../lib/output.js';
import { writeResults } from '../lib/paths.js';
import { seededRandom } from '../lib/random.js';
import { msSince } from '../lib/stats.js';
import { DEFAULT_DATA_DIR, loadMovieLens } from '../quality/movielens.js';

/*
 * Similar-items genre agreement on MovieLens: each movie users tagged is embedded from its title
 * and its user tags only (never its genres), and its 10 nearest movies by the embedder's vectors
 * are judged by the genres MovieLens gives: the share of neighbours with at least one genre in
 * common. A random pick of 10 is the baseline of the same run.
 */
const K = 10;

function agreement(genres: string[][], neighbours: (i: number) => number[]): number {
  let sum = 0;
  for (let i = 0; i < genres.length; i += 1) {
    const mine = new Set(genres[i]);
    const near = neighbours(i);
    sum += near.filter((j) => genres[j]!.some((g) => mine.has(g))).length / near.length;
  }
  return sum / genres.length;
}

function nearest(vectors: Float32Array[], i: number): number[] {
  const scores: { j: number; s: number }[] = [];
  const v = vectors[i]!;
  for (let j = 0; j < vectors.length; j += 1) {
    if (j === i) continue;
    const w = vectors[j]!;
    let s = 0;
    for (let d = 0; d < v.length; d += 1) s += v[d]! * w[d]!;
    scores.push({ j, s });
  }
  scores.sort((a, b) => b.s - a.s);
  return scores.slice(0, K).map((x) => x.j);
}

runBench(async () => {
  const data = loadMovieLens(DEFAULT_DATA_DIR);
  const movies = data.movies.filter(
    (m) => (data.tags.get(m.movieId)?.size ?? 0) > 0 && m.genres.length > 0,
  );
  const texts = movies.map(
    (m) => `${m.title}. ${[...data.tags.get(m.movieId)!.keys()].join(', ')}`,
  );
  const genres = movies.map((m) => m.genres);
  say(`${movies.length} tagged movies; text = title + user tags, judged by genres`);
  const random = seededRandom(7);
  const baseline = agreement(genres, (i) => {
    const out = new Set<number>();
    while (out.size < K) {
      const j = Math.floor(random() * movies.length);
      if (j !== i) out.add(j);
    }
    return [...out];
  });
  const modelDir =
    process.env.EMBEDDER_MODEL_DIR ?? path.join(os.homedir(), '.cache', 'tailor', 'minilm');
  const embedders: Embedder[] = [createHashedEmbedder({ dimension: 256 })];
  if (missingModelFiles(modelDir).length === 0) {
    embedders.push(
      createLocalEmbedder({ modelDir, batchSize: 32, threads: 1, logger: silentLogger() }),
    );
  } else say(`local skipped: no model in ${modelDir} (run infra/models/fetch-minilm.sh)`);
  const rows: {
    embedder: string;
    dimension: number;
    genreAgreementAt10: number;
    embedMsPerText: number;
  }[] = [];
  for (const embedder of embedders) {
    const started = process.hrtime.bigint();
    const vectors = await embedder.embed(texts);
    const ms = msSince(started);
    rows.push({
      embedder: embedder.model,
      dimension: embedder.dimension,
      genreAgreementAt10: agreement(genres, (i) => nearest(vectors, i)),
      embedMsPerText: ms / texts.length,
    });
    await embedder.close?.();
  }
  printTable(
    ['embedder', 'dim', `genre agreement@${K}`, 'embed ms/text'],
    [
      ['random (baseline)', '-', fixed(baseline, 3), '-'],
      ...rows.map((r) => [
        r.embedder,
        r.dimension,
        fixed(r.genreAgreementAt10, 3),
        fixed(r.embedMsPerText, 2),
      ]),
    ],
  );
  const file = writeResults('embed', {
    ...runHeader('embed'),
    movies: movies.length,
    k: K,
    text: 'title + user tags (no genres)',
    randomBaseline: baseline,
    embedders: rows,
  });
  say(`results: ${file}`);
});
