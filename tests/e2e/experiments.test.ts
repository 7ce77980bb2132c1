import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { assignArm, parseExperiments } from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';

import { RECORD_EVENTS, type RecordEventsData } from './graph.js';
import {
  type Adapters,
  bearer,
  codesOf,
  graphql,
  productionAdapters,
  query,
  signToken,
  startTestMesh,
  type TestMesh,
  tokenCheckingSettings,
} from './harness.js';

const JWT_SECRET = `e2e-jwt-secret-${'x'.repeat(32)}`;
const GATEWAY_SECRET = `e2e-gateway-secret-${'y'.repeat(32)}`;

/**
 * Two experiments in one config: one over the recommender's MMR λ (its default here is 1, plain
 * score order), one over generation's bandit. They set different settings, so a user is in an
 * arm of each.
 */
const EXPERIMENTS = [
  {
    name: 'list-diversity',
    arms: [
      { name: 'control', traffic: 0.5 },
      { name: 'diverse', traffic: 0.5, settings: { recommender: { mmrLambda: 0 } } },
    ],
  },
  {
    name: 'copy-bandit',
    arms: [
      { name: 'bandit', traffic: 0.5 },
      { name: 'plain', traffic: 0.5, settings: { generation: { bandit: false } } },
    ],
  },
];
const [LISTS, COPY] = parseExperiments(EXPERIMENTS);

const LIST = `query($userId: ID!) {
  user(id: $userId) {
    recommendations(first: 6) {
      recommendationId
      items { item { id category } score description { angle } }
    }
  }
}`;

const RESULTS = `query($name: ID!) {
  experiment(name: $name) {
    name
    status
    stoppedAt
    arms { name traffic settings { mmrLambda bandit } }
    results {
      arms {
        arm users exposures clicks conversions revenue
        ctr { rate low high }
        conversionRate { rate low high }
        revenuePerUser { mean low high }
      }
      comparisons { metric arm baseline enoughData significant }
      alpha
      verdict
      impressionsNotCounted
    }
  }
}`;

const STOP = `mutation($name: ID!) { stopExperiment(name: $name) { name status stoppedAt } }`;

interface ListData {
  user: {
    recommendations: {
      recommendationId: string;
      items: {
        item: { id: string; category: string };
        score: number;
        description: { angle: string };
      }[];
    };
  };
}

interface ArmFigures {
  arm: string;
  users: number;
  exposures: number;
  clicks: number;
  conversions: number;
  revenue: number;
  ctr: { rate: number; low: number; high: number };
  conversionRate: { rate: number; low: number; high: number };
  revenuePerUser: { mean: number; low: number; high: number };
}

interface ResultsData {
  experiment: {
    name: string;
    status: 'RUNNING' | 'STOPPED';
    stoppedAt: string | null;
    arms: {
      name: string;
      traffic: number;
      settings: { mmrLambda: number | null; bandit: boolean | null };
    }[];
    results: {
      arms: ArmFigures[];
      comparisons: { metric: string; enoughData: boolean; significant: boolean }[];
      alpha: number;
      verdict: string | null;
      impressionsNotCounted: number;
    };
  } | null;
}

/** A fresh user id whose arm of `experiment` is `arm` (assignment is a stable hash of the id). */
function userIn(experiment: typeof LISTS, arm: string): string {
  for (;;) {
    const userId = `exp-${randomUUID()}`;
    if (assignArm(experiment!, userId)?.name === arm) return userId;
  }
}

const byScore = (scores: number[]) => scores.every((s, i) => i === 0 || scores[i - 1]! >= s);

/** Where a run's mesh keeps events and vectors: settings, or why the run is skipped. */
/** The three waits on the log in each test; Kafka round trips take longer on a loaded machine. */
const WAIT_MS = 60_000;
const TEST_TIMEOUT_MS = 180_000;

function describeExperiments(label: string, adapters: Adapters): void {
  describe(`A/B experiments through the gateway (${label})`, () => {
    let t: TestMesh;
    let url: string;
    let service: Record<string, string>;
    const users = { control: '', diverse: '' };
    const tokens: Record<string, Record<string, string>> = {};
    let diverseItem = (): string => assert.fail('no list served to the diverse user yet');
    /** Items shown to each user so far: every list is an exposure. */
    const shown = new Map<string, number>();

    async function listOf(userId: string) {
      const data = await query<ListData>(url, LIST, { userId }, tokens[userId]);
      const list = data.user.recommendations;
      shown.set(userId, (shown.get(userId) ?? 0) + list.items.length);
      return list;
    }

    async function record(userId: string, events: Record<string, unknown>[]) {
      const data = await query<RecordEventsData>(
        url,
        RECORD_EVENTS,
        { events: events.map((e) => ({ eventId: randomUUID(), userId, ...e })) },
        tokens[userId],
      );
      assert.deepEqual(data.recordEvents.errors, []);
    }

    async function results(name: string) {
      const data = await query<ResultsData>(url, RESULTS, { name }, service);
      assert.ok(data.experiment, `experiment ${name}`);
      return data.experiment;
    }

    const armOf = (figures: ArmFigures[], arm: string) => {
      const found = figures.find((a) => a.arm === arm);
      assert.ok(found, `arm ${arm}`);
      return found;
    };

    const options = 'skip' in adapters ? { skip: adapters.skip } : { timeout: TEST_TIMEOUT_MS };

    before(async () => {
      if ('skip' in adapters) return;
      t = await startTestMesh(
        tokenCheckingSettings(JWT_SECRET, GATEWAY_SECRET, {
          ...adapters.env,
          EXPERIMENTS: JSON.stringify(EXPERIMENTS),
          // A stop reaches the recommender's own copy of the experiments within this.
          EXPERIMENTS_REFRESH_MS: '200',
          RECOMMENDER_MMR_LAMBDA: '1',
        }),
      );
      url = t.mesh.gatewayUrl;
      service = bearer(await signToken(JWT_SECRET, 'operator', { role: 'service' }));
      users.control = userIn(LISTS, 'control');
      users.diverse = userIn(LISTS, 'diverse');
      const outdoor = await query<{ items: { nodes: { id: string }[] } }>(
        url,
        '{ items(category: "outdoor", first: 3, inStockOnly: true) { nodes { id } } }',
        {},
        service,
      );
      const liked = outdoor.items.nodes.map((n) => n.id);
      assert.equal(liked.length, 3, 'the demo catalog has outdoor items');
      // The same taste for both: any difference between their lists is their arms'.
      for (const userId of Object.values(users)) {
        tokens[userId] = bearer(await signToken(JWT_SECRET, userId));
        await record(
          userId,
          liked.map((itemId) => ({ itemId, type: 'LIKE' })),
        );
      }
      for (const userId of Object.values(users))
        await waitFor(
          async () => {
            const data = await query<{ user: { profile: { eventCount: number } } }>(
              url,
              'query($id: ID!) { user(id: $id) { profile { eventCount } } }',
              { id: userId },
              tokens[userId],
            );
            return data.user.profile.eventCount === liked.length;
          },
          { description: `${userId}'s likes to be applied`, timeoutMs: WAIT_MS },
        );
    });
    after(async () => {
      await t?.destroy();
    });

    it('lists both experiments as defined, running', options, async () => {
      const all = await query<{ experiments: { name: string }[] }>(
        url,
        '{ experiments { name } }',
        {},
        service,
      );
      assert.deepEqual(
        all.experiments.map((e) => e.name),
        ['list-diversity', 'copy-bandit'],
      );
      const lists = await results('list-diversity');
      assert.equal(lists.status, 'RUNNING');
      assert.deepEqual(
        lists.arms.map((a) => [a.name, a.traffic, a.settings.mmrLambda]),
        [
          ['control', 0.5, null],
          ['diverse', 0.5, 0],
        ],
      );
      assert.equal((await results('copy-bandit')).arms[1]?.settings.bandit, false);
    });

    it(
      "serves each user their own arm's settings, and reports per-arm results after impressions and clicks",
      options,
      async () => {
        const control = await listOf(users.control);
        const diverse = await listOf(users.diverse);
        diverseItem = () => diverse.items[1]!.item.id;
        assert.ok(control.items.length >= 4 && diverse.items.length >= 4);
        // Control keeps the service's λ = 1: plain score order. Diverse (λ = 0) puts unlike items
        // ahead of better-scored near-duplicates; the control user, same taste, never sees that.
        assert.ok(byScore(control.items.map((i) => i.score)), JSON.stringify(control.items));
        assert.ok(!byScore(diverse.items.map((i) => i.score)), JSON.stringify(diverse.items));
        for (const [userId, list] of [
          [users.control, control],
          [users.diverse, diverse],
        ] as const) {
          // The bandit-off arm of the other experiment always leads with the user's interest.
          if (assignArm(COPY!, userId)?.name === 'plain')
            assert.deepEqual(
              list.items.map((i) => i.description.angle),
              list.items.map(() => 'INTEREST'),
            );
        }

        const { recommendationId } = control;
        await record(users.control, [
          { itemId: control.items[0]!.item.id, type: 'CLICK', context: { recommendationId } },
        ]);
        await record(users.diverse, [
          { itemId: diverse.items[1]!.item.id, type: 'ADD_TO_CART' },
          { itemId: diverse.items[1]!.item.id, type: 'PURCHASE', value: 30 },
        ]);

        const experiment = await waitFor(
          async () => {
            const e = await results('list-diversity');
            const [c, d] = [armOf(e.results.arms, 'control'), armOf(e.results.arms, 'diverse')];
            return c.clicks === 1 && d.conversions === 1 ? e : undefined;
          },
          { description: 'the click and the purchase in the results', timeoutMs: WAIT_MS },
        );
        const [c, d] = [
          armOf(experiment.results.arms, 'control'),
          armOf(experiment.results.arms, 'diverse'),
        ];
        assert.deepEqual(
          [c.users, c.exposures, c.clicks, c.conversions, c.revenue],
          [1, control.items.length, 1, 0, 0],
        );
        assert.ok(Math.abs(c.ctr.rate - 1 / control.items.length) < 1e-12);
        assert.ok(c.ctr.low < c.ctr.rate && c.ctr.rate < c.ctr.high);
        assert.deepEqual(
          [d.users, d.exposures, d.clicks, d.conversions, d.revenue],
          [1, diverse.items.length, 0, 1, 30],
        );
        assert.equal(d.conversionRate.rate, 1);
        assert.equal(d.revenuePerUser.mean, 30);
        // One user an arm: nothing is significant, so there is no verdict.
        assert.equal(experiment.results.comparisons.length, 3);
        assert.ok(experiment.results.comparisons.every((x) => !x.significant));
        assert.equal(experiment.results.verdict, null);
        assert.equal(experiment.results.impressionsNotCounted, 0);
      },
    );

    it(
      'refuses a malformed name, an unknown one, and a stop or results without a service token',
      options,
      async () => {
        const malformed = await graphql(url, STOP, { name: 'Not A Name!' }, service);
        assert.deepEqual(codesOf(malformed), ['BAD_USER_INPUT']);
        assert.equal(malformed.errors?.[0]?.extensions?.field, 'name');
        assert.deepEqual(codesOf(await graphql(url, STOP, { name: 'no-such' }, service)), [
          'NOT_FOUND',
        ]);
        const asUser = await graphql(url, STOP, { name: 'list-diversity' }, tokens[users.control]);
        assert.deepEqual(codesOf(asUser), ['FORBIDDEN']);
        // Results sum other users' purchases: a user token reads the definition, not the figures.
        const definition = await query<ResultsData>(
          url,
          'query($name: ID!) { experiment(name: $name) { name status } }',
          { name: 'list-diversity' },
          tokens[users.control],
        );
        assert.equal(definition.experiment?.status, 'RUNNING');
        const figures = await graphql(
          url,
          RESULTS,
          { name: 'list-diversity' },
          tokens[users.control],
        );
        assert.deepEqual(codesOf(figures), ['FORBIDDEN']);
        assert.equal((await results('list-diversity')).status, 'RUNNING');
      },
    );

    it(
      'returns everyone to the default once stopped, and counts nothing after the stop',
      options,
      async () => {
        const before = await results('list-diversity');
        const stopped = await query<{
          stopExperiment: { status: string; stoppedAt: string | null };
        }>(url, STOP, { name: 'list-diversity' }, service);
        assert.equal(stopped.stopExperiment.status, 'STOPPED');
        assert.ok(stopped.stopExperiment.stoppedAt !== null);

        // The recommender reads the stop within EXPERIMENTS_REFRESH_MS; until then lists keep the arm.
        await waitFor(
          async () => byScore((await listOf(users.diverse)).items.map((i) => i.score)),
          {
            description: "the diverse user's list back in score order",
            timeoutMs: WAIT_MS,
            intervalMs: 100,
          },
        );
        const bought = diverseItem();
        await record(users.diverse, [{ itemId: bought, type: 'PURCHASE', value: 500 }]);
        // The other experiment still runs and counts every list and purchase: once it holds them
        // all, the stopped one has read them too and must have left them out.
        const total = [...shown.values()].reduce((sum, n) => sum + n, 0);
        await waitFor(
          async () => {
            const arms = (await results('copy-bandit')).results.arms;
            const sum = (pick: (a: ArmFigures) => number) => arms.reduce((n, a) => n + pick(a), 0);
            return sum((a) => a.exposures) === total && sum((a) => a.revenue) === 530;
          },
          { description: 'every list and purchase in the running experiment', timeoutMs: WAIT_MS },
        );
        const after = await results('list-diversity');
        assert.equal(after.status, 'STOPPED');
        assert.deepEqual(after.results.arms, before.results.arms);
      },
    );
  });
}

describeExperiments('embedded', { env: {} });

// The same on the production adapters, on topics and collections of this run's own (the names
// are prefixed), so the replay reads no other run's exposures and no other run's stops.
const run = `exp${randomUUID().slice(0, 8)}_`;
const production = await productionAdapters(run);
describeExperiments('Kafka and Qdrant', production.adapters);

after(() => production.stop());
