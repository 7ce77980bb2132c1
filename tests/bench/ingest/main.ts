import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { DEMO_CATALOG_FILE, loadDemoCatalog } from '@tailor/catalog';
import {
  consumeUserEvents,
  createAdapters,
  type Logger,
  PROFILES_COLLECTION,
  publishUserEvents,
  silentLogger,
  type Subscription,
  USER_EVENTS_DLQ_TOPIC,
  USER_EVENTS_TOPIC,
  type UserEvent,
  type VectorStore,
} from '@tailor/kit';
import { type MeshConfig } from '@tailor/mesh';
import { startProfiles } from '@tailor/profiles';
import {
  createTrainerMetrics,
  InteractionStore,
  TrainerService,
  trainingSettings,
} from '@tailor/trainer';

import { benchConfig } from '../lib/config.js';
import { runHeader } from '../lib/machine.js';
import { fixed, grouped, printTable, runBench, say } from '../lib/output.js';
import { REPO_ROOT, writeResults } from '../lib/paths.js';
import { type BusProbe, probedBus } from '../lib/probed-bus.js';
import { dropPrefixed } from '../lib/qdrant.js';
import { msSince } from '../lib/stats.js';
import { withTempDir } from '../lib/temp.js';
import { syntheticEvents } from './events.js';

const USAGE = `usage: npm run bench:ingest -- [--events <n>] [--users <n>]
  --events  synthetic events to push through (default 100000)
  --users   distinct users they spread over (default 5000)
Runs on the embedded bus, and on Kafka too when KAFKA_BROKERS is set (bash infra/kafka/start.sh).`;

const SEED = 20261127;
const UPDATER_STAGE = 'profile updater (startProfiles)';
const UPDATER_WITH_MODEL_STAGE = 'profile updater, cf model published';
const PARTITIONS = 4;
const PUBLISH_CHUNK = 1_000;
/** Longest any one stage may take before the bench gives up on it. */
const STAGE_TIMEOUT_MS = 300_000;

type BusKind = 'embedded' | 'kafka';
type StoreKind = 'embedded' | 'qdrant';

/** One measured stage on one bus. */
interface StageResult {
  bus: BusKind;
  /** Where the profile updater writes the profiles. */
  store: StoreKind;
  stage: string;
  events: number;
  /** From the first batch handed over to the last one handled (publish: whole publish). */
  seconds: number;
  eventsPerSecond: number;
  /** From subscribing (group join on Kafka included) to the last batch handled. */
  secondsFromSubscribe: number;
  /** Messages per batch the bus handed to the handler, on average (publish: per call). */
  meanBatchSize: number;
  /**
   * CPU time of this process (every thread) from subscribing to the last batch handled, the
   * service's start-up included; not the Kafka broker's. On a shared machine a stage's wall
   * time also holds the time other processes had the cores; this does not.
   */
  cpuSeconds: number;
}

function stage(
  bus: BusKind,
  store: StoreKind,
  name: string,
  events: number,
  subscribedAt: bigint,
  probe: BusProbe,
  cpuAtSubscribe: NodeJS.CpuUsage,
): StageResult {
  const cpu = process.cpuUsage(cpuAtSubscribe);
  const seconds = Number(process.hrtime.bigint() - (probe.firstBatchAt ?? subscribedAt)) / 1e9;
  return {
    bus,
    store,
    stage: name,
    events,
    seconds,
    eventsPerSecond: events / seconds,
    secondsFromSubscribe: msSince(subscribedAt) / 1000,
    meanBatchSize: events / Math.max(probe.batches, 1),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

/** Sum of `eventCount` over every stored profile, and the profiles' ids. */
async function profileTotals(store: VectorStore): Promise<{ ids: string[]; events: number }> {
  let cursor: string | undefined;
  const ids: string[] = [];
  let events = 0;
  do {
    const page = await store.scroll(PROFILES_COLLECTION, {
      limit: 1_000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const point of page.points) {
      ids.push(point.id);
      events += Number(point.payload.eventCount ?? 0);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return { ids, events };
}

/**
 * Trains the collaborative model on the events, as the trainer would from the bus, and
 * publishes it into the store (item factors, then the model point). Returns the seconds taken.
 */
async function publishModel(
  config: MeshConfig,
  store: VectorStore,
  events: readonly UserEvent[],
  logger: Logger,
): Promise<number> {
  const started = process.hrtime.bigint();
  const trainer = new TrainerService({
    store,
    interactions: InteractionStore.inMemory(logger),
    settings: trainingSettings(config),
    weights: config.PROFILE_EVENT_WEIGHTS,
    logger,
    metrics: createTrainerMetrics(),
  });
  await trainer.ensureCollections();
  for (let from = 0; from < events.length; from += PUBLISH_CHUNK) {
    await trainer.record(
      events
        .slice(from, from + PUBLISH_CHUNK)
        .map((event, i) => ({ event, partition: 0, offset: String(from + i) })),
    );
  }
  if ((await trainer.train('bench')) === undefined) throw new Error('no model was trained');
  return msSince(started) / 1000;
}

async function measureBus(
  kind: BusKind,
  storeKind: StoreKind,
  events: readonly UserEvent[],
): Promise<StageResult[]> {
  return withTempDir(`ingest-${kind}`, async (dataDir) => {
    const logger = silentLogger();
    // Collections of the run's own names on Qdrant, dropped afterwards: the server may be shared.
    const qdrantPrefix = `bench-ingest-${randomUUID().slice(0, 8)}-`;
    const qdrantUrl = process.env.QDRANT_URL?.trim() ?? '';
    // The adapters the mesh would open for this configuration.
    const settings: Record<string, string> = {
      EVENT_BUS: kind,
      BUS_PARTITIONS: String(PARTITIONS),
      KAFKA_CLIENT_ID: 'tailor-bench',
      ...(kind === 'kafka' ? { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '' } : {}),
      ...(storeKind === 'qdrant'
        ? { VECTOR_STORE: 'qdrant', QDRANT_URL: qdrantUrl, QDRANT_COLLECTION_PREFIX: qdrantPrefix }
        : {}),
    };
    const config = benchConfig(dataDir, settings);
    const label = storeKind === 'qdrant' ? `${kind} bus, Qdrant` : kind;
    const adapters = await createAdapters(config, logger);
    const { store, embedder } = adapters;
    // A fresh namespace on Kafka: the broker may be shared with other runs and with tests.
    const namespace = kind === 'kafka' ? `bench-${randomUUID().slice(0, 8)}.` : '';
    const { bus, probe } = probedBus(adapters.bus, namespace);
    const results: StageResult[] = [];
    const n = events.length;
    try {
      await loadDemoCatalog({ config, logger, store, embedder });
      await bus.ensureTopics([
        { name: USER_EVENTS_TOPIC, partitions: PARTITIONS },
        { name: USER_EVENTS_DLQ_TOPIC, partitions: PARTITIONS },
      ]);

      const started = process.hrtime.bigint();
      for (let from = 0; from < n; from += PUBLISH_CHUNK) {
        await publishUserEvents(bus, events.slice(from, from + PUBLISH_CHUNK));
      }
      const publishSeconds = msSince(started) / 1000;
      results.push({
        bus: kind,
        store: storeKind,
        stage: `publish (${PUBLISH_CHUNK} per call)`,
        events: n,
        seconds: publishSeconds,
        eventsPerSecond: n / publishSeconds,
        secondsFromSubscribe: publishSeconds,
        meanBatchSize: PUBLISH_CHUNK,
        cpuSeconds: Number.NaN,
      });
      say(`${label}: published ${grouped(n)} events in ${fixed(publishSeconds, 1)} s`);

      const consume = async (name: string, subscribe: () => Promise<Subscription>) => {
        probe.reset();
        const subscribedAt = process.hrtime.bigint();
        const cpuAtSubscribe = process.cpuUsage();
        const subscription = await subscribe();
        try {
          await probe.until(n, STAGE_TIMEOUT_MS);
        } finally {
          await subscription.stop();
        }
        const result = stage(kind, storeKind, name, n, subscribedAt, probe, cpuAtSubscribe);
        results.push(result);
        say(`${label}: ${name}: ${grouped(result.eventsPerSecond)} events/s`);
      };
      await consume('bare consume, no-op handler', () =>
        bus.subscribe({
          topic: USER_EVENTS_TOPIC,
          groupId: 'bench-bare',
          fromBeginning: true,
          handleBatch: async () => undefined,
        }),
      );
      await consume('contract check, no-op handler', () =>
        consumeUserEvents({
          bus,
          groupId: 'bench-contract',
          logger,
          fromBeginning: true,
          handle: async () => undefined,
        }),
      );
      // The profiles service exactly as the mesh starts it: its consumer, its updater, its store.
      const updater = async (name: string, groupId: string) => {
        const groupConfig = benchConfig(dataDir, { ...settings, PROFILES_CONSUMER_GROUP: groupId });
        await consume(name, async () => {
          const running = await startProfiles({
            config: groupConfig,
            logger,
            bus,
            store,
            embedder,
            host: '127.0.0.1',
            port: 0,
          });
          return { stop: () => running.close() };
        });
        const totals = await profileTotals(store);
        if (totals.events !== n) {
          throw new Error(`profiles hold ${totals.events} applied events, expected ${n}`);
        }
        say(`${label}: ${grouped(totals.ids.length)} profiles hold all ${grouped(n)} events`);
        return totals.ids;
      };
      const ids = await updater(UPDATER_STAGE, 'bench-profiles');
      // Once a collaborative model is published, every batch also folds in the cf vector of each
      // user it changed (two exact least-squares solves): the updater's real work in production.
      // The profiles go first, so this updater builds them again from the log.
      const trainSeconds = await publishModel(config, store, events, logger);
      say(`${label}: model trained on the events and published in ${fixed(trainSeconds, 1)} s`);
      await store.delete(PROFILES_COLLECTION, { ids });
      await updater(UPDATER_WITH_MODEL_STAGE, 'bench-profiles-cf');
      return results;
    } finally {
      await adapters.close();
      if (storeKind === 'qdrant') await dropPrefixed(qdrantUrl, qdrantPrefix);
    }
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '100000' },
      users: { type: 'string', default: '5000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    say(USAGE);
    return;
  }
  const count = Number(values.events);
  const users = Number(values.users);
  if (!(Number.isInteger(count) && count > 0))
    throw new Error(`--events must be a whole number, got ${values.events}`);
  if (!(Number.isInteger(users) && users > 0))
    throw new Error(`--users must be a whole number, got ${values.users}`);
  const runStarted = process.hrtime.bigint();
  const itemIds = readFileSync(DEMO_CATALOG_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id);
  // Spaced 10 ms apart and ending a minute ago: fresh enough for the contract's time checks.
  const events = syntheticEvents({
    count,
    users,
    itemIds,
    seed: SEED,
    endAt: Date.now() - 60_000,
    spacingMs: 10,
  });
  say(
    `Tailor ingest bench: ${grouped(count)} events, ${grouped(users)} users, ${itemIds.length} demo items, ${PARTITIONS} partitions`,
  );

  const kinds: BusKind[] = ['embedded'];
  if ((process.env.KAFKA_BROKERS ?? '').trim() !== '') kinds.push('kafka');
  else
    say('KAFKA_BROKERS is not set: Kafka skipped (bash infra/kafka/start.sh gives a local broker)');
  const runs: { bus: BusKind; store: StoreKind }[] = kinds.map((bus) => ({
    bus,
    store: 'embedded',
  }));
  // The profile updater writing to Qdrant, on the embedded bus so the store is all that changes.
  if ((process.env.QDRANT_URL ?? '').trim() !== '') runs.push({ bus: 'embedded', store: 'qdrant' });
  else say('QDRANT_URL is not set: the Qdrant row skipped (bash infra/qdrant/start.sh)');
  const results: StageResult[] = [];
  for (const run of runs) results.push(...(await measureBus(run.bus, run.store, events)));

  const rateOf = (r: StageResult, prefix: string) =>
    results.find((b) => b.bus === r.bus && b.store === r.store && b.stage.startsWith(prefix))
      ?.eventsPerSecond ?? Number.NaN;
  const bare = (r: StageResult) => rateOf(r, 'bare');
  say();
  printTable(
    [
      'bus',
      'store',
      'stage',
      'events/s',
      'seconds',
      'from subscribe s',
      'per batch',
      'vs bare',
      'CPU s',
    ],
    results.map((r) => [
      r.bus,
      r.store,
      r.stage,
      grouped(r.eventsPerSecond),
      fixed(r.seconds, 2),
      fixed(r.secondsFromSubscribe, 2),
      grouped(r.meanBatchSize),
      r.stage.startsWith('publish') ? '' : `${fixed(r.eventsPerSecond / bare(r), 3)}x`,
      Number.isNaN(r.cpuSeconds) ? '' : fixed(r.cpuSeconds, 2),
    ]),
  );
  // Named like `kafkaUpdaterToBareConsume`, `embeddedQdrantUpdaterWithModelToBareConsume`.
  const ratios = Object.fromEntries(
    results
      .filter((r) => r.stage === UPDATER_STAGE || r.stage === UPDATER_WITH_MODEL_STAGE)
      .map((r) => [
        `${r.bus}${r.store === 'qdrant' ? 'Qdrant' : ''}Updater${r.stage === UPDATER_STAGE ? '' : 'WithModel'}ToBareConsume`,
        Number((r.eventsPerSecond / bare(r)).toFixed(4)),
      ]),
  );
  // The same updaters against the contract check (parsing and validating each event, nothing
  // else), which every consumer of user-events pays before its handler: how much of the gap to
  // the bare consume is the updater's own work. Named like `kafkaUpdaterToContractCheck`.
  const toContract = Object.fromEntries(
    results
      .filter((r) => r.stage === UPDATER_STAGE || r.stage === UPDATER_WITH_MODEL_STAGE)
      .map((r) => [
        `${r.bus}${r.store === 'qdrant' ? 'Qdrant' : ''}Updater${r.stage === UPDATER_STAGE ? '' : 'WithModel'}ToContractCheck`,
        Number((r.eventsPerSecond / rateOf(r, 'contract')).toFixed(4)),
      ]),
  );
  const totalSeconds = msSince(runStarted) / 1000;
  const defaults = benchConfig(REPO_ROOT);
  const file = writeResults('ingest', {
    ...runHeader('ingest'),
    events: count,
    users,
    items: itemIds.length,
    partitions: PARTITIONS,
    seed: SEED,
    kafka: kinds.includes('kafka') ? 'KAFKA_BROKERS (local single-node KRaft broker)' : 'skipped',
    qdrant: runs.some((r) => r.store === 'qdrant')
      ? 'QDRANT_URL (local Qdrant 1.19 from ../shared/bin), profiles written there, embedded bus'
      : 'skipped',
    rows: results.map((r) => ({
      ...r,
      seconds: Number(r.seconds.toFixed(3)),
      eventsPerSecond: Math.round(r.eventsPerSecond),
      secondsFromSubscribe: Number(r.secondsFromSubscribe.toFixed(3)),
      meanBatchSize: Math.round(r.meanBatchSize),
      cpuSeconds: Number.isNaN(r.cpuSeconds) ? null : Number(r.cpuSeconds.toFixed(3)),
    })),
    // The bus settings the batches came from: the mesh's defaults.
    busSettings: {
      BUS_MAX_BATCH_MESSAGES: defaults.BUS_MAX_BATCH_MESSAGES,
      KAFKA_FETCH_MAX_PARTITION_BYTES: defaults.KAFKA_FETCH_MAX_PARTITION_BYTES,
      KAFKA_FETCH_MAX_BYTES: defaults.KAFKA_FETCH_MAX_BYTES,
    },
    ratios: { ...ratios, ...toContract },
    durationSeconds: Number(totalSeconds.toFixed(1)),
  });
  say();
  say(`written ${path.relative(REPO_ROOT, file)} in ${fixed(totalSeconds, 1)} s total`);
}

runBench(main);
