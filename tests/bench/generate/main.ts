import path from 'node:path';
import { parseArgs } from 'node:util';

import { loadDemoCatalog } from '@tailor/catalog';
import { AD_FORMATS, startGeneration } from '@tailor/generation';
import {
  type ConsumedEvent,
  createEmbeddedVectorStore,
  createHashedEmbedder,
  ITEMS_COLLECTION,
  silentLogger,
  type VectorStore,
} from '@tailor/kit';
import { ProfileService, profileSettings } from '@tailor/profiles';

import { benchConfig } from '../lib/config.js';
import { postGraphql } from '../lib/graphql.js';
import { runHeader } from '../lib/machine.js';
import { fixed, grouped, printTable, runBench, say } from '../lib/output.js';
import { REPO_ROOT, writeResults } from '../lib/paths.js';
import { benchProfileMetrics } from '../lib/profile-metrics.js';
import { type LatencySummary, msSince, rounded, summarize } from '../lib/stats.js';
import { withTempDir } from '../lib/temp.js';

const USAGE = `usage: npm run bench:generate -- [--items <n>] [--pngs <n>]
  --items  recommendations generated per kind, in requests of 5 like the Home query (default: the whole demo catalog, 360)
  --pngs   thumbnails rendered per size (default 20)`;

/** Recommendations per request: what the Home query asks for. */
const PER_REQUEST = 5;
const USER_ID = 'bench-reader';
const RECOMMENDATION_ID = 'bench-list';
/** Thumbnail sizes measured, from a list card to a full-HD hero. */
const SIZES = [
  [160, 90],
  [320, 180],
  [640, 360],
  [1280, 720],
  [1920, 1080],
] as const;

/** A field selection on Recommendation and what it is called in the table. */
interface Kind {
  name: string;
  selection: string;
}

const KINDS: Kind[] = [
  { name: 'description', selection: 'description { text provider grounded }' },
  ...AD_FORMATS.map((format) => ({
    name: `ad ${format}`,
    selection: `ad(format: ${format}) { headline body callToAction }`,
  })),
  { name: 'thumbnail 640x360', selection: 'thumbnail(width: 640, height: 360) { url altText }' },
  {
    name: 'all three (Home)',
    selection:
      'description { text } ad(format: BANNER) { headline } thumbnail(width: 640, height: 360) { url }',
  },
  { name: 'none (GraphQL + HTTP floor)', selection: '__typename' },
];

const entities = (selection: string) =>
  `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Recommendation { ${selection} } } }`;

function representations(itemIds: readonly string[]) {
  return itemIds.map((id) => ({
    __typename: 'Recommendation',
    recommendationId: RECOMMENDATION_ID,
    userId: USER_ID,
    item: { id },
  }));
}

async function allItemIds(store: VectorStore): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.scroll(ITEMS_COLLECTION, {
      limit: 500,
      ...(cursor === undefined ? {} : { cursor }),
    });
    ids.push(...page.points.map((point) => point.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}

/** A reader with interests: likes and purchases in two categories, applied by the profile updater. */
async function createReader(store: VectorStore, itemIds: readonly string[], dataDir: string) {
  const config = benchConfig(dataDir);
  const profiles = new ProfileService({
    store,
    logger: silentLogger(),
    settings: profileSettings(config, config.EMBEDDING_DIMENSION),
    metrics: benchProfileMetrics(),
  });
  await profiles.ensureCollections();
  const liked = itemIds
    .filter((id) => id.startsWith('outdoor-') || id.startsWith('books-'))
    .slice(0, 12);
  const now = Date.now();
  const events: ConsumedEvent[] = liked.map((itemId, i) => ({
    event: {
      eventId: `generate-${i}`,
      userId: USER_ID,
      itemId,
      type: i % 3 === 0 ? 'purchase' : 'like',
      timestamp: now - (liked.length - i) * 60_000,
    },
    partition: 0,
    offset: String(i),
  }));
  await profiles.applyBatch(events);
}

interface KindResult {
  kind: string;
  recommendations: number;
  coldMsPerRecommendation: LatencySummary;
  cachedMsPerRecommendation: LatencySummary;
}

async function measureKind(
  url: string,
  kind: Kind,
  itemIds: readonly string[],
): Promise<KindResult> {
  const pass = async () => {
    const perRecommendation: number[] = [];
    for (let from = 0; from < itemIds.length; from += PER_REQUEST) {
      const group = itemIds.slice(from, from + PER_REQUEST);
      const started = process.hrtime.bigint();
      await postGraphql(url, entities(kind.selection), { representations: representations(group) });
      perRecommendation.push(msSince(started) / group.length);
    }
    return rounded(summarize(perRecommendation), 3);
  };
  // First pass: nothing of this kind is cached yet (every item is new to it); second: all is.
  const cold = await pass();
  const cached = await pass();
  return {
    kind: kind.name,
    recommendations: itemIds.length,
    coldMsPerRecommendation: cold,
    cachedMsPerRecommendation: cached,
  };
}

interface PngResult {
  width: number;
  height: number;
  thumbnails: number;
  meanBytes: number;
  renderMs: LatencySummary;
  cachedMs: LatencySummary;
}

async function measurePngs(url: string, itemIds: readonly string[]): Promise<PngResult[]> {
  const results: PngResult[] = [];
  for (const [width, height] of SIZES) {
    const data = await postGraphql<{ _entities: { thumbnail: { url: string } }[] }>(
      url,
      entities(`thumbnail(width: ${width}, height: ${height}) { url }`),
      { representations: representations(itemIds) },
    );
    const render: number[] = [];
    const cached: number[] = [];
    let bytes = 0;
    for (const { thumbnail } of data._entities) {
      for (const sample of [render, cached]) {
        const started = process.hrtime.bigint();
        const response = await fetch(thumbnail.url);
        const body = Buffer.from(await response.arrayBuffer());
        sample.push(msSince(started));
        if (!response.ok || body.subarray(1, 4).toString('ascii') !== 'PNG') {
          throw new Error(`${thumbnail.url} answered ${response.status} without a PNG`);
        }
        if (sample === render) bytes += body.length;
      }
    }
    results.push({
      width,
      height,
      thumbnails: data._entities.length,
      meanBytes: Math.round(bytes / data._entities.length),
      renderMs: rounded(summarize(render), 2),
      cachedMs: rounded(summarize(cached), 2),
    });
    say(
      `  ${width}x${height}: ${grouped(bytes / data._entities.length)} bytes, render p50 ${fixed(results.at(-1)!.renderMs.p50, 1)} ms`,
    );
  }
  return results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      items: { type: 'string' },
      pngs: { type: 'string', default: '20' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    say(USAGE);
    return;
  }
  const pngCount = Number(values.pngs);
  if (!(Number.isInteger(pngCount) && pngCount > 0))
    throw new Error('--pngs must be a whole number above 0');
  const runStarted = process.hrtime.bigint();
  say('Tailor generate bench (template writer)');

  const { kinds, pngs, provider } = await withTempDir('generate', async (dataDir) => {
    const logger = silentLogger();
    const config = benchConfig(dataDir);
    const store = await createEmbeddedVectorStore({ dataDir, logger });
    const embedder = createHashedEmbedder({ dimension: config.EMBEDDING_DIMENSION });
    try {
      await loadDemoCatalog({ config, logger, store, embedder });
      const everything = await allItemIds(store);
      const limit = values.items === undefined ? everything.length : Number(values.items);
      if (!(Number.isInteger(limit) && limit > 0))
        throw new Error('--items must be a whole number above 0');
      const itemIds = everything.slice(0, limit);
      await createReader(store, everything, dataDir);
      // A fresh subgraph (empty caches, its own thumbnail directory) per kind, so that "cold"
      // is cold even where two kinds would share cache entries (the Home row and its parts).
      let instance = 0;
      const fresh = () => {
        instance += 1;
        const own = benchConfig(dataDir, {
          GENERATION_THUMBNAIL_DIR: path.join(dataDir, `thumbnails-${instance}`),
        });
        return startGeneration({ config: own, logger, store, host: '127.0.0.1', port: 0 });
      };
      const kinds: KindResult[] = [];
      let provider = '';
      for (const kind of KINDS) {
        const generation = await fresh();
        try {
          const { generationSettings: writer } = await postGraphql<{
            generationSettings: { provider: string; model: string };
          }>(generation.url, '{ generationSettings { provider model } }');
          provider = `${writer.provider} (${writer.model})`;
          const result = await measureKind(generation.url, kind, itemIds);
          say(
            `  ${kind.name}: cold p50 ${fixed(result.coldMsPerRecommendation.p50, 2)} ms per recommendation`,
          );
          kinds.push(result);
        } finally {
          await generation.close();
        }
      }
      say('thumbnail PNGs:');
      const generation = await fresh();
      try {
        const pngs = await measurePngs(generation.url, everything.slice(0, pngCount));
        return { kinds, pngs, provider };
      } finally {
        await generation.close();
      }
    } finally {
      await store.close();
    }
  });

  say();
  printTable(
    [
      'per recommendation',
      'n',
      'cold mean ms',
      'cold p50',
      'cold p95',
      'cached mean ms',
      'cached p50',
      'cached p95',
    ],
    kinds.map((k) => [
      k.kind,
      k.recommendations,
      fixed(k.coldMsPerRecommendation.mean, 3),
      fixed(k.coldMsPerRecommendation.p50, 3),
      fixed(k.coldMsPerRecommendation.p95, 3),
      fixed(k.cachedMsPerRecommendation.mean, 3),
      fixed(k.cachedMsPerRecommendation.p50, 3),
      fixed(k.cachedMsPerRecommendation.p95, 3),
    ]),
  );
  say();
  printTable(
    ['thumbnail', 'n', 'PNG bytes', 'render p50 ms', 'render p95 ms', 'cached p50 ms'],
    pngs.map((p) => [
      `${p.width}x${p.height}`,
      p.thumbnails,
      grouped(p.meanBytes),
      fixed(p.renderMs.p50, 2),
      fixed(p.renderMs.p95, 2),
      fixed(p.cachedMs.p50, 2),
    ]),
  );
  const totalSeconds = msSince(runStarted) / 1000;
  const file = writeResults('generate', {
    ...runHeader('generate'),
    writer: provider,
    method: `generation subgraph over loopback, _entities on Recommendation with ${PER_REQUEST} representations per request (as Home asks); per recommendation = request time / ${PER_REQUEST}; cold = first time each item is asked for that kind, cached = the same requests again. PNG: first GET of the thumbnail URL renders (SVG -> PNG with resvg), the second is served from cache`,
    kinds,
    pngs,
    durationSeconds: Number(totalSeconds.toFixed(1)),
  });
  say();
  say(`written ${path.relative(REPO_ROOT, file)} in ${fixed(totalSeconds, 1)} s total`);
}

runBench(main);
