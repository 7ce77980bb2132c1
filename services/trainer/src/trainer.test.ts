import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  CF_VECTOR,
  type ConsumedEvent,
  createEmbeddedVectorStore,
  createUserKeyVault,
  DEFAULT_EVENT_WEIGHTS,
  dot,
  ITEMS_COLLECTION,
  itemsCollectionSpec,
  readPublishedModel,
  silentLogger,
  type UserEvent,
  type VectorStore,
} from '@tailor/kit';

import { foldInUser, trainFactors, type TrainingSettings } from './domain/ials.js';
import { trainingData, type UserInteractions } from './domain/interactions.js';
import { InteractionStore } from './interaction-store.js';
import { createTrainerMetrics } from './metrics.js';
import { TrainerService } from './trainer.service.js';
import { type TrainingEngine, trainInWorker } from './training/train-in-worker.js';

const SETTINGS: TrainingSettings = {
  dimension: 8,
  epochs: 15,
  cgSteps: 8,
  alpha: 2,
  regularization: 0.01,
  unobservedWeight: 0.1,
  frequencyScaled: true,
  seed: 7,
};
const logger = silentLogger();

/** Two tastes: users 0–9 like items a0–a9, users 10–19 like b0–b9; each misses one. */
function twoTastes(): Map<string, UserInteractions> {
  const users = new Map<string, UserInteractions>();
  for (let u = 0; u < 20; u += 1) {
    const group = u < 10 ? 'a' : 'b';
    const affinities = [];
    for (let i = 0; i < 10; i += 1) {
      if (i === u % 10) continue;
      affinities.push({ itemId: `${group}${i}`, weight: 4, at: i });
    }
    users.set(`u${String(u).padStart(2, '0')}`, { affinities, recentEventIds: [] });
  }
  return users;
}

function event(userId: string, itemId: string, type: UserEvent['type'], n: number): ConsumedEvent {
  return {
    event: { eventId: `${userId}-${itemId}-${n}`, userId, itemId, type, timestamp: 1_000 + n },
    partition: 0,
    offset: String(n),
  };
}

describe('the factor model', () => {
  const data = trainingData(twoTastes());
  const model = trainFactors(data.matrix, SETTINGS);
  const k = SETTINGS.dimension;
  const item = (id: string) => {
    const i = data.itemIds.indexOf(id);
    return model.itemFactors.subarray(i * k, i * k + k);
  };

  it('lowers its loss as it trains', () => {
    assert.ok(model.losses.at(-1)! < model.losses[0]!, model.losses.join(', '));
  });

  it("ranks the item a user missed from their own taste above the other taste's", () => {
    const u = data.userIds.indexOf('u03');
    const x = model.userFactors.subarray(u * k, u * k + k);
    const missed = dot(x, item('a3'));
    for (let i = 0; i < 10; i += 1) assert.ok(missed > dot(x, item(`b${i}`)), `b${i}`);
  });

  it('folds a user in close to the row training gave them', () => {
    const u = data.userIds.indexOf('u12');
    const folded = foldInUser(data.matrix, model, SETTINGS, u)!;
    const trained = model.userFactors.subarray(u * k, u * k + k);
    // Training's last user sweep saw the item factors before their last update: close, not equal.
    const cosine = dot(folded, trained) / Math.sqrt(dot(folded, folded) * dot(trained, trained));
    assert.ok(cosine > 0.95, `cosine ${cosine}`);
  });
});

describe('the trainer service', () => {
  let dir: string;
  let store: VectorStore;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tailor-trainer-'));
    store = await createEmbeddedVectorStore({ dataDir: path.join(dir, 'store'), logger });
    await store.ensureCollection(itemsCollectionSpec(4, SETTINGS.dimension));
    const items = [...'abcdef'].map((c) => ({
      id: `item-${c}`,
      vectors: { content: [1, 0, 0, 0] },
      payload: { itemId: `item-${c}` },
    }));
    await store.upsert(ITEMS_COLLECTION, items);
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function service(
    subdir: string,
    vault?: Awaited<ReturnType<typeof createUserKeyVault>>,
    engine?: TrainingEngine,
  ) {
    const interactions = await InteractionStore.open(path.join(dir, subdir), logger);
    const trainer = new TrainerService({
      store,
      interactions,
      settings: SETTINGS,
      weights: DEFAULT_EVENT_WEIGHTS,
      logger,
      metrics: createTrainerMetrics(),
      ...(vault === undefined ? {} : { vault }),
      ...(engine === undefined ? {} : { engine }),
    });
    await trainer.ensureCollections();
    return { trainer, interactions };
  }

  it('keeps what it recorded across a restart, counting a redelivered event once', async () => {
    const { trainer } = await service('durable');
    const batch = [event('ann', 'item-a', 'like', 1), event('ann', 'item-b', 'purchase', 2)];
    assert.equal(await trainer.record(batch), 2);
    assert.equal(await trainer.record(batch), 0);
    const reopened = await InteractionStore.open(path.join(dir, 'durable'), logger);
    assert.deepEqual(
      reopened
        .snapshot()
        .get('ann')
        ?.affinities.map((a) => [a.itemId, a.weight]),
      [
        ['item-b', DEFAULT_EVENT_WEIGHTS.purchase],
        ['item-a', DEFAULT_EVENT_WEIGHTS.like],
      ],
    );
  });

  it('keeps an event recorded while a compaction rewrites the snapshot', async () => {
    const { trainer, interactions } = await service('compacting');
    for (let from = 0; from < 2_000; from += 500) {
      await trainer.record(
        Array.from({ length: 500 }, (_, i) =>
          event(`user-${from + i}`, 'item-a', 'like', from + i),
        ),
      );
    }
    let compacted = false;
    const compacting = interactions.compact().then(() => (compacted = true));
    // Record once the new snapshot has its first user (user-0) written, or the compaction is done.
    const temp = path.join(dir, 'compacting', 'interactions.snapshot.jsonl.tmp');
    while (!compacted && !((await stat(temp).catch(() => undefined))?.size ?? 0)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const late = trainer.record([event('user-0', 'item-b', 'purchase', 9_999)]);
    await Promise.all([compacting, late]);
    const reopened = await InteractionStore.open(path.join(dir, 'compacting'), logger);
    assert.deepEqual(
      reopened
        .snapshot()
        .get('user-0')
        ?.affinities.map((a) => a.itemId),
      ['item-b', 'item-a'],
    );
    assert.equal(reopened.userCount, 2_000);
  });

  it('publishes item factors and then the model, with a new version each training', async () => {
    const { trainer } = await service('publish');
    for (const [n, [user, item]] of [
      ['ann', 'item-a'],
      ['ann', 'item-b'],
      ['bob', 'item-b'],
      ['bob', 'item-c'],
    ].entries()) {
      await trainer.record([event(user!, item!, 'like', n)]);
    }
    const first = await trainer.train('test');
    assert.ok(first !== undefined);
    const published = await readPublishedModel(store, SETTINGS.dimension);
    assert.equal(published?.payload.modelVersion, first.modelVersion);
    const points = await store.retrieve(ITEMS_COLLECTION, ['item-a', 'item-f'], {
      withVectors: true,
    });
    const byId = new Map(points.map((p) => [p.id, p]));
    assert.equal(byId.get('item-a')?.vectors?.[CF_VECTOR]?.length, SETTINGS.dimension);
    assert.equal(byId.get('item-f')?.vectors?.[CF_VECTOR], undefined, 'no one touched item-f');
    const second = await trainer.train('test');
    assert.notEqual(second?.modelVersion, first.modelVersion);
  });

  it('drops a forgotten user from its store before training', async () => {
    const vault = await createUserKeyVault({ store, pseudonymSecret: 'x'.repeat(32) });
    const { trainer, interactions } = await service('forget', vault);
    const subject = vault.subjectOf('cleo');
    await vault.keysForWriting(['cleo']);
    await trainer.record([{ ...event('cleo', 'item-d', 'like', 1), subject }]);
    await trainer.record([{ ...event('dan', 'item-d', 'like', 2) }]);
    await vault.forget('cleo');
    await trainer.train('test');
    // Cleo's sealed events are kept under her pseudonym, dan's in-the-clear ones under his id.
    assert.deepEqual([...interactions.snapshot().keys()], ['dan']);
    const reopened = await InteractionStore.open(path.join(dir, 'forget'), logger);
    assert.deepEqual([...reopened.snapshot().keys()], ['dan']);
  });

  describe('when a training is asked for while it would take long', () => {
    it('answers at once with a running training, joins it, and says when it published', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow: TrainingEngine = async (matrix, settings, onEpoch) => {
        await gate;
        return trainInWorker(matrix, settings, onEpoch);
      };
      const { trainer } = await service('slow', undefined, slow);
      await trainer.record([event('ann', 'item-a', 'like', 1), event('bob', 'item-b', 'like', 2)]);
      const started = trainer.start('test');
      assert.equal(started.state, 'running');
      assert.equal(trainer.start('again').id, started.id, 'a second ask joins the running one');
      const before = await trainer.publishedVersion();
      release();
      const model = await trainer.train('waits for the same one');
      const finished = trainer.training(started.id);
      assert.equal(finished?.state, 'published');
      assert.equal(finished?.model?.modelVersion, model?.modelVersion);
      assert.equal(finished?.users, 2);
      assert.ok(finished?.finishedAt !== undefined);
      assert.notEqual(await trainer.publishedVersion(), before);
      assert.notEqual(trainer.start('next').id, started.id, 'a later ask starts a new training');
      await trainer.train('next');
    });
  });

  describe('when the engine fails', () => {
    it('marks the training failed and keeps the model in service', async () => {
      const { trainer } = await service('fails', undefined, () =>
        Promise.reject(new Error('out of memory')),
      );
      await trainer.record([event('ann', 'item-a', 'like', 1)]);
      const before = await trainer.publishedVersion();
      const run = trainer.start('test');
      await assert.rejects(trainer.train('test'), /out of memory/);
      assert.equal(trainer.training(run.id)?.state, 'failed');
      assert.equal(await trainer.publishedVersion(), before);
    });
  });

  describe('when nothing was recorded', () => {
    it('ends without a model', async () => {
      const { trainer } = await service('empty');
      const run = trainer.start('test');
      assert.equal(await trainer.train('test'), undefined);
      assert.equal(trainer.training(run.id)?.state, 'nothing_to_train');
      assert.equal(trainer.training('unknown'), undefined);
    });
  });
});

describe('the worker-thread engine', () => {
  it('fits the same factors as training on the event loop', async () => {
    const data = trainingData(twoTastes());
    const epochs: number[] = [];
    const inWorker = await trainInWorker(data.matrix, SETTINGS, (epoch) => epochs.push(epoch));
    const inline = trainFactors(data.matrix, SETTINGS);
    assert.deepEqual(inWorker.itemFactors, inline.itemFactors);
    assert.deepEqual(inWorker.gram, inline.gram);
    assert.deepEqual(inWorker.losses, inline.losses);
    assert.deepEqual(
      epochs,
      Array.from({ length: SETTINGS.epochs }, (_, i) => i + 1),
    );
  });

  it('rejects with the reason when the fit throws', async () => {
    const data = trainingData(twoTastes());
    await assert.rejects(
      trainInWorker(data.matrix, { ...SETTINGS, dimension: -1 }),
      /training failed/,
    );
  });
});
