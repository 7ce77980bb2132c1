import { parseArgs } from 'node:util';

import {
  type Angle,
  ANGLES,
  type BanditSettings,
  BetaPosteriors,
  checkBanditSettings,
  chooseArm,
  contextBucket,
  DEFAULT_BANDIT_SETTINGS,
  DEFAULT_MAX_SHOPPERS,
  DEFAULT_REWARD_WEIGHTS,
  drawIndex,
  impressionReward,
  type LoggedDecision,
  MAX_BUCKETS_PER_SHOPPER,
  offPolicyEstimate,
  ShopperEvidence,
  within,
} from '@tailor/generation';
import { type RandomSource, seededRandom } from '@tailor/kit';

import { runHeader } from '../lib/machine.js';
import { fixed, grouped, printTable, runBench, say } from '../lib/output.js';
import { writeResults } from '../lib/paths.js';
import { msSince } from '../lib/stats.js';

const USAGE = `usage: npm run bench:loop -- [--users n] [--horizon n] [--cohesion c] [--sensitivity c,c] [--rich-users n] [--seed n] [--per-user]
  Simulates shoppers with hidden preferences over the copy's angles and a known click model,
  and runs the generation service's bandit against a uniform random choice and an oracle that
  knows each shopper's best angle, beside the bandit without its per-shopper level and a Bayes
  reference that knows how the population is made (--per-user: also the bandit with a sampled
  per-shopper level). --rich-users: the sensitivity rows again with that many shoppers (more
  impressions each; 0 skips them). Writes tests/bench/results/loop.json.`;

const CATEGORIES = ['outdoor', 'kitchen', 'garden', 'tech', 'books', 'fashion'] as const;
/** Surfaces and how often a visit comes from each. */
const SURFACES = [
  ['home', 0.7],
  ['email', 0.3],
] as const;
type Surface = (typeof SURFACES)[number][0];
/** The click model: a shopper's base rate, times the surface's factor, times LIFT on their angle. */
const SURFACE_FACTOR: Record<Surface, number> = { home: 1, email: 0.6 };
const BASE_CTR_RANGE = [0.02, 0.08] as const;
const LIFT = 3;

interface Shopper {
  category: (typeof CATEGORIES)[number];
  baseCtr: number;
  /** The angle this shopper clicks most, per surface: hidden from every policy but the oracle. */
  best: Record<Surface, Angle>;
}

interface Visit {
  shopper: number;
  surface: Surface;
}

interface World {
  shoppers: Shopper[];
  visits: Visit[];
  /** Each (surface, category)'s most common best angle. */
  dominant: Map<string, Angle>;
}

function pickAngle(random: RandomSource): Angle {
  return ANGLES[Math.floor(random() * ANGLES.length)]!;
}

/**
 * A population whose best angle is the context's dominant one for a share `cohesion` of the
 * shoppers and any angle for the rest: how much of a shopper's taste the bandit's context
 * (surface and top category) can see is the one assumption the figures rest on.
 */
function makeWorld(users: number, horizon: number, cohesion: number, seed: number): World {
  const random = seededRandom(seed);
  const dominant = new Map<string, Angle>();
  for (const [surface] of SURFACES)
    for (const category of CATEGORIES) dominant.set(`${surface}|${category}`, pickAngle(random));
  const shoppers: Shopper[] = Array.from({ length: users }, () => {
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    const baseCtr = BASE_CTR_RANGE[0] + random() * (BASE_CTR_RANGE[1] - BASE_CTR_RANGE[0]);
    const bestOn = (surface: Surface): Angle =>
      random() < cohesion ? dominant.get(`${surface}|${category}`)! : pickAngle(random);
    return { category, baseCtr, best: { home: bestOn('home'), email: bestOn('email') } };
  });
  const visits: Visit[] = Array.from({ length: horizon }, () => ({
    shopper: Math.floor(random() * users),
    surface: random() < SURFACES[0][1] ? 'home' : 'email',
  }));
  return { shoppers, visits, dominant };
}

function clickProbability(shopper: Shopper, surface: Surface, angle: Angle): number {
  return shopper.baseCtr * SURFACE_FACTOR[surface] * (angle === shopper.best[surface] ? LIFT : 1);
}

interface Policy {
  name: string;
  choose(visit: Visit, shopper: Shopper, bucket: string): { arm: Angle; propensity: number };
  learn(visit: Visit, bucket: string, arm: Angle, clicked: boolean): void;
}

interface RunResult {
  policy: string;
  impressions: number;
  clicks: number;
  ctr: number;
  /** Mean click probability of the shown angles: the CTR without the click draws' noise. */
  expectedCtr: number;
  /** Cumulative expected regret against the oracle, at checkpoints. */
  regret: { impressions: number; cumulative: number; windowCtr: number }[];
  seconds: number;
  log: LoggedDecision<Angle>[];
}

function run(world: World, policy: Policy, seed: number, checkpoints: number): RunResult {
  // One stream for the clicks, apart from the policy's: every policy meets the same visits
  // and the same luck of the draw for the same probability.
  const clicks = seededRandom(seed);
  const log: LoggedDecision<Angle>[] = [];
  const regret: RunResult['regret'] = [];
  const every = Math.max(1, Math.floor(world.visits.length / checkpoints));
  let clicked = 0;
  let expected = 0;
  let cumulativeRegret = 0;
  let windowClicks = 0;
  const start = process.hrtime.bigint();
  world.visits.forEach((visit, index) => {
    const shopper = world.shoppers[visit.shopper]!;
    const bucket = contextBucket({ surface: visit.surface, topCategory: shopper.category });
    const { arm, propensity } = policy.choose(visit, shopper, bucket);
    const p = clickProbability(shopper, visit.surface, arm);
    const click = clicks() < p;
    policy.learn(visit, bucket, arm, click);
    log.push({ context: bucket, arm, propensity, reward: click ? 1 : 0 });
    if (click) {
      clicked += 1;
      windowClicks += 1;
    }
    expected += p;
    cumulativeRegret += clickProbability(shopper, visit.surface, shopper.best[visit.surface]) - p;
    if ((index + 1) % every === 0 || index + 1 === world.visits.length) {
      const windowSize = (index % every) + 1;
      regret.push({
        impressions: index + 1,
        cumulative: round(cumulativeRegret, 2),
        windowCtr: round(windowClicks / windowSize, 5),
      });
      windowClicks = 0;
    }
  });
  const n = world.visits.length;
  return {
    policy: policy.name,
    impressions: n,
    clicks: clicked,
    ctr: clicked / n,
    expectedCtr: expected / n,
    regret,
    seconds: msSince(start) / 1000,
    log,
  };
}

/**
 * The shipped policy: the bucket's posteriors, and each shopper's own evidence per bucket
 * shrunk toward them (`shopperPriorStrength` 0: the bucket alone).
 */
function banditPolicy(settings: BanditSettings, seed: number, name = 'bandit'): Policy {
  const random = seededRandom(seed);
  const posteriors = new BetaPosteriors<Angle>(settings.priorStrength);
  const shoppers = new ShopperEvidence<Angle>({
    maxShoppers: DEFAULT_MAX_SHOPPERS,
    maxBucketsPerShopper: MAX_BUCKETS_PER_SHOPPER,
  });
  return {
    name,
    choose: (visit, _shopper, bucket) =>
      chooseArm(
        posteriors,
        bucket,
        ANGLES,
        settings,
        random,
        shoppers.evidence(String(visit.shopper), bucket),
      ),
    learn(visit, bucket, arm, clicked) {
      posteriors.recordImpression(bucket, arm);
      shoppers.recordImpression(String(visit.shopper), bucket, arm);
      if (!clicked) return;
      // The service's own reward of an impression whose only attributed event is a click.
      const reward = impressionReward(['click'], REWARDS);
      posteriors.recordReward(bucket, arm, reward);
      shoppers.recordReward(String(visit.shopper), bucket, arm, reward);
    },
  };
}

/**
 * A per-shopper level drawn like the bucket's (the context path [bucket, shopper], each
 * shopper's prior their bucket's): what was measured before the shipped level, not shipped.
 */
function sampledShopperPolicy(settings: BanditSettings, seed: number): Policy {
  const random = seededRandom(seed);
  const posteriors = new BetaPosteriors<Angle>(settings.priorStrength);
  let current: readonly string[] = [];
  return {
    name: 'bandit-user',
    choose: (visit, _shopper, bucket) => {
      current = [bucket, String(visit.shopper)];
      return chooseArm(posteriors, current, ANGLES, settings, random);
    },
    learn(_visit, _bucket, arm, clicked) {
      posteriors.recordImpression(current, arm);
      if (clicked) posteriors.recordReward(current, arm, impressionReward(['click'], REWARDS));
    },
  };
}

/** Base rates the Bayes reference weighs: midpoints of equal slices of BASE_CTR_RANGE. */
const BASE_GRID = Array.from(
  { length: 24 },
  (_, i) => BASE_CTR_RANGE[0] + ((i + 0.5) / 24) * (BASE_CTR_RANGE[1] - BASE_CTR_RANGE[0]),
);

/**
 * Not a policy anyone could ship: it knows how the population is made (each bucket's dominant
 * angle, the cohesion, the lift and the range of base rates), only not the shopper's own best
 * angle or base rate, which it infers from that shopper's clicks by Bayes' rule (the exact
 * posterior over best angle × base rate on a grid). It shows the angle with the highest
 * expected click rate under that posterior, with the floor `floor` on every angle. So it is
 * what learning each shopper from their own clicks can reach once the buckets are known
 * perfectly: in practice the bandit's ceiling in this world (greedy, so not proven optimal).
 */
function bayesPolicy(world: World, cohesion: number, floor: number, seed: number): Policy {
  const random = seededRandom(seed);
  const K = ANGLES.length;
  const logLikelihood = new Map<string, Float64Array>();
  const stateOf = (visit: Visit, bucket: string): Float64Array => {
    const key = `${visit.shopper}|${visit.surface}`;
    let state = logLikelihood.get(key);
    if (state === undefined) {
      state = new Float64Array(K * BASE_GRID.length);
      const dominant = world.dominant.get(bucket);
      ANGLES.forEach((angle, z) => {
        const prior = (angle === dominant ? cohesion : 0) + (1 - cohesion) / K;
        for (let b = 0; b < BASE_GRID.length; b += 1)
          state![z * BASE_GRID.length + b] = Math.log(Math.max(prior, Number.MIN_VALUE));
      });
      logLikelihood.set(key, state);
    }
    return state;
  };
  const rate = (visit: Visit, z: number, b: number, arm: number) =>
    BASE_GRID[b]! * SURFACE_FACTOR[visit.surface] * (arm === z ? LIFT : 1);
  const f = Math.min(floor, 1 / K);
  return {
    name: floor > 0 ? 'bayes' : 'bayes-no-floor',
    choose(visit, _shopper, bucket) {
      const state = stateOf(visit, bucket);
      const top = Math.max(...state);
      const expected = new Array<number>(K).fill(0);
      for (let z = 0; z < K; z += 1)
        for (let b = 0; b < BASE_GRID.length; b += 1) {
          const weight = Math.exp(state[z * BASE_GRID.length + b]! - top);
          for (let arm = 0; arm < K; arm += 1) expected[arm]! += weight * rate(visit, z, b, arm);
        }
      const greedy = expected.indexOf(Math.max(...expected));
      const probabilities = expected.map((_, arm) => f + (1 - f * K) * (arm === greedy ? 1 : 0));
      const chosen = drawIndex(probabilities, random);
      return { arm: ANGLES[chosen]!, propensity: probabilities[chosen]! };
    },
    learn(visit, bucket, arm, clicked) {
      const state = stateOf(visit, bucket);
      const shown = ANGLES.indexOf(arm);
      for (let z = 0; z < K; z += 1)
        for (let b = 0; b < BASE_GRID.length; b += 1) {
          const p = rate(visit, z, b, shown);
          state[z * BASE_GRID.length + b]! += Math.log(clicked ? p : 1 - p);
        }
    },
  };
}

const REWARDS = DEFAULT_REWARD_WEIGHTS;

function uniformPolicy(seed: number): Policy {
  const random = seededRandom(seed);
  return {
    name: 'uniform',
    choose: () => ({ arm: pickAngle(random), propensity: 1 / ANGLES.length }),
    learn: () => undefined,
  };
}

const oraclePolicy: Policy = {
  name: 'oracle',
  choose: (visit, shopper) => ({ arm: shopper.best[visit.surface], propensity: 1 }),
  learn: () => undefined,
};

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

interface Comparison {
  cohesion: number;
  users: number;
  /** The shipped policy: bucket posteriors and each shopper's evidence shrunk toward them. */
  bandit: RunResult;
  /** The same bandit by the bucket alone (`shopperPriorStrength` 0): the policy before. */
  bucketOnly: RunResult;
  /** The bandit with a sampled per-shopper level under the bucket (ContextPath [bucket, user]). */
  banditUser: RunResult | undefined;
  /** The Bayes reference with the bandit's floor, and without a floor (undefined: not run). */
  bayes: RunResult | undefined;
  bayesNoFloor: RunResult | undefined;
  uniform: RunResult;
  oracle: RunResult;
}

function compare(
  users: number,
  horizon: number,
  cohesion: number,
  seed: number,
  settings: BanditSettings,
  options: { perUser: boolean; bayes: boolean },
): Comparison {
  const world = makeWorld(users, horizon, cohesion, seed);
  const clickSeed = seed + 1;
  const bucketSettings = { ...settings, shopperPriorStrength: 0 };
  return {
    cohesion,
    users,
    bandit: run(world, banditPolicy(settings, seed + 2), clickSeed, 20),
    bucketOnly: run(world, banditPolicy(bucketSettings, seed + 2, 'bandit-bucket'), clickSeed, 20),
    banditUser: options.perUser
      ? run(world, sampledShopperPolicy(settings, seed + 2), clickSeed, 20)
      : undefined,
    bayes: options.bayes
      ? run(
          world,
          bayesPolicy(world, cohesion, settings.minArmProbability, seed + 2),
          clickSeed,
          20,
        )
      : undefined,
    bayesNoFloor: options.bayes
      ? run(world, bayesPolicy(world, cohesion, 0, seed + 2), clickSeed, 20)
      : undefined,
    uniform: run(world, uniformPolicy(seed + 3), clickSeed, 20),
    oracle: run(world, oraclePolicy, clickSeed, 20),
  };
}

/** A row of the sensitivity table: the shipped bandit, and the bucket alone, against both. */
function sensitivityRow(c: Comparison) {
  return {
    cohesion: c.cohesion,
    users: c.users,
    impressionsPerShopper: round(c.bandit.impressions / c.users, 1),
    ...ratios(c),
    bucketOnlyToOracleCtr: round(c.bucketOnly.ctr / c.oracle.ctr, 4),
    oracleCtr: round(c.oracle.ctr, 5),
  };
}

function ratios(c: Comparison) {
  return {
    banditToUniformCtr: round(c.bandit.ctr / c.uniform.ctr, 4),
    banditToOracleCtr: round(c.bandit.ctr / c.oracle.ctr, 4),
    banditToUniformExpectedCtr: round(c.bandit.expectedCtr / c.uniform.expectedCtr, 4),
    banditToOracleExpectedCtr: round(c.bandit.expectedCtr / c.oracle.expectedCtr, 4),
  };
}

function summary(r: RunResult) {
  return {
    impressions: r.impressions,
    clicks: r.clicks,
    ctr: round(r.ctr, 5),
    expectedCtr: round(r.expectedCtr, 5),
    finalCumulativeRegret: r.regret.at(-1)?.cumulative ?? 0,
    seconds: round(r.seconds, 2),
  };
}

function number(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${flag} needs a number ≥ 0`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      horizon: { type: 'string' },
      cohesion: { type: 'string' },
      sensitivity: { type: 'string', default: '0.5,1' },
      'rich-users': { type: 'string' },
      seed: { type: 'string' },
      'per-user': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return say(USAGE);
  const users = Math.floor(number(values.users, 'users', 2000));
  const horizon = Math.floor(number(values.horizon, 'horizon', 100_000));
  const cohesion = number(values.cohesion, 'cohesion', 0.8);
  const seed = Math.floor(number(values.seed, 'seed', 16));
  const richUsers = Math.floor(number(values['rich-users'], 'rich-users', 400));
  if (users < 1 || horizon < 100) throw new Error('--users needs ≥ 1 and --horizon ≥ 100');
  if (cohesion > 1) throw new Error('--cohesion is a share, from 0 to 1');
  const sensitivity = (values.sensitivity ?? '')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => number(s, 'sensitivity', 0));
  const settings = checkBanditSettings({ ...DEFAULT_BANDIT_SETTINGS });
  const started = process.hrtime.bigint();

  say(
    `${grouped(users)} shoppers, ${grouped(horizon)} impressions, ${ANGLES.length} angles, ` +
      `${SURFACES.length * CATEGORIES.length} context buckets, cohesion ${cohesion}`,
  );
  const main = compare(users, horizon, cohesion, seed, settings, {
    perUser: values['per-user'] === true,
    bayes: true,
  });
  const mainRatios = ratios(main);
  printTable(
    ['policy', 'impressions', 'clicks', 'CTR', 'expected CTR', 'regret', 'seconds'],
    [
      main.bandit,
      main.bucketOnly,
      main.banditUser,
      main.bayes,
      main.bayesNoFloor,
      main.uniform,
      main.oracle,
    ]
      .flatMap((r) => (r === undefined ? [] : [r]))
      .map((r) => [
        r.policy,
        grouped(r.impressions),
        grouped(r.clicks),
        fixed(r.ctr, 4),
        fixed(r.expectedCtr, 4),
        fixed(r.regret.at(-1)?.cumulative ?? 0, 1),
        fixed(r.seconds, 2),
      ]),
  );
  say(
    `bandit / uniform CTR ${fixed(mainRatios.banditToUniformCtr, 3)} (goal ≥ 1.2), ` +
      `bandit / oracle CTR ${fixed(mainRatios.banditToOracleCtr, 3)} (goal ≥ 0.9); ` +
      `by the bucket alone ${fixed(main.bucketOnly.ctr / main.oracle.ctr, 3)}, ` +
      `Bayes reference ${fixed((main.bayes?.ctr ?? 0) / main.oracle.ctr, 3)} ` +
      `(no floor ${fixed((main.bayesNoFloor?.ctr ?? 0) / main.oracle.ctr, 3)})`,
  );

  // What the uniform policy would have done, estimated from the bandit's log alone.
  const offPolicy = offPolicyEstimate(main.bandit.log, () => 1 / ANGLES.length);
  const uniformCtr = main.uniform.ctr;
  const uniformExpected = main.uniform.expectedCtr;
  const offPolicyResult = {
    target: 'uniform over the 4 angles',
    decisions: offPolicy.decisions,
    effectiveSampleSize: Math.round(offPolicy.effectiveSampleSize),
    maxWeight: round(offPolicy.maxWeight, 3),
    ips: roundInterval(offPolicy.ips),
    snips: roundInterval(offPolicy.snips),
    uniformSimulatedCtr: round(uniformCtr, 5),
    uniformExpectedCtr: round(uniformExpected, 5),
    ipsHoldsSimulatedCtr: within(offPolicy.ips, uniformCtr),
    snipsHoldsSimulatedCtr: within(offPolicy.snips, uniformCtr),
    ipsHoldsExpectedCtr: within(offPolicy.ips, uniformExpected),
    snipsHoldsExpectedCtr: within(offPolicy.snips, uniformExpected),
  };
  printTable(
    ['estimator', 'estimate', '95% low', '95% high', 'holds simulated', 'holds expected'],
    (['ips', 'snips'] as const).map((form) => [
      form.toUpperCase(),
      fixed(offPolicy[form].estimate, 5),
      fixed(offPolicy[form].low, 5),
      fixed(offPolicy[form].high, 5),
      within(offPolicy[form], uniformCtr) ? 'yes' : 'NO',
      within(offPolicy[form], uniformExpected) ? 'yes' : 'NO',
    ]),
  );
  say(
    `uniform policy: simulated CTR ${fixed(uniformCtr, 5)}, expected ${fixed(uniformExpected, 5)}; ` +
      `effective sample ${grouped(offPolicy.effectiveSampleSize)} of ${grouped(offPolicy.decisions)}`,
  );

  const noExtras = { perUser: false, bayes: false };
  const sensitivityRows = sensitivity.map((c) =>
    sensitivityRow(compare(users, horizon, c, seed, settings, noExtras)),
  );
  // The same population with fewer shoppers, so each is seen more often: where a per-shopper
  // level has the evidence to pay.
  const richRows =
    richUsers > 0 && richUsers !== users
      ? [cohesion, ...sensitivity].map((c) =>
          sensitivityRow(compare(richUsers, horizon, c, seed, settings, noExtras)),
        )
      : [];
  say('how much of the shoppers’ taste the context explains (cohesion), and shoppers seen more:');
  printTable(
    [
      'cohesion',
      'shoppers',
      'impressions each',
      'bandit/uniform',
      'bandit/oracle',
      'bucket/oracle',
    ],
    [sensitivityRow(main), ...sensitivityRows, ...richRows].map((r) => [
      r.cohesion,
      grouped(r.users),
      fixed(r.impressionsPerShopper, 0),
      fixed(r.banditToUniformCtr, 3),
      fixed(r.banditToOracleCtr, 3),
      fixed(r.bucketOnlyToOracleCtr, 3),
    ]),
  );

  const file = writeResults('loop', {
    ...runHeader('loop'),
    seconds: round(msSince(started) / 1000, 1),
    setup: {
      users,
      horizon,
      seed,
      angles: ANGLES,
      surfaces: Object.fromEntries(SURFACES),
      categories: CATEGORIES,
      cohesion,
      clickModel: {
        formula:
          'baseCtr × surfaceFactor × (angle is the shopper’s best on the surface ? lift : 1)',
        baseCtrRange: BASE_CTR_RANGE,
        surfaceFactor: SURFACE_FACTOR,
        lift: LIFT,
      },
      bandit: settings,
      rewardOfClick: impressionReward(['click'], REWARDS),
      context: 'surface | top category (contextBucket); the shopper’s own evidence per bucket',
    },
    ratios: mainRatios,
    bucketOnly: {
      note: 'the same bandit by the bucket alone (shopperPriorStrength 0): the policy before',
      toUniformCtr: round(main.bucketOnly.ctr / main.uniform.ctr, 4),
      toOracleCtr: round(main.bucketOnly.ctr / main.oracle.ctr, 4),
    },
    bayesReference: {
      note:
        'knows the population’s make-up (dominant angles, cohesion, lift, base-rate range), not ' +
        'the shopper’s best angle; greedy on the exact posterior from the shopper’s clicks: the ' +
        'ceiling of learning shoppers from their own clicks in this world',
      toOracleCtr: round((main.bayes?.ctr ?? 0) / main.oracle.ctr, 4),
      toOracleExpectedCtr: round((main.bayes?.expectedCtr ?? 0) / main.oracle.expectedCtr, 4),
      noFloorToOracleCtr: round((main.bayesNoFloor?.ctr ?? 0) / main.oracle.ctr, 4),
      noFloorToOracleExpectedCtr: round(
        (main.bayesNoFloor?.expectedCtr ?? 0) / main.oracle.expectedCtr,
        4,
      ),
    },
    perUserLevel:
      main.banditUser === undefined
        ? null
        : {
            note: 'the bandit with a sampled per-shopper level under the bucket; not shipped',
            toUniformCtr: round(main.banditUser.ctr / main.uniform.ctr, 4),
            toOracleCtr: round(main.banditUser.ctr / main.oracle.ctr, 4),
          },
    policies: {
      bandit: summary(main.bandit),
      bucketOnly: summary(main.bucketOnly),
      bayes: main.bayes === undefined ? null : summary(main.bayes),
      bayesNoFloor: main.bayesNoFloor === undefined ? null : summary(main.bayesNoFloor),
      banditPerUser: main.banditUser === undefined ? null : summary(main.banditUser),
      uniform: summary(main.uniform),
      oracle: summary(main.oracle),
    },
    regretCurve: {
      bandit: main.bandit.regret,
      bucketOnly: main.bucketOnly.regret,
      uniform: main.uniform.regret,
    },
    offPolicy: offPolicyResult,
    sensitivity: sensitivityRows,
    richShoppers: richRows,
  });
  say(`wrote ${file}`);
}

function roundInterval(interval: {
  estimate: number;
  standardError: number;
  low: number;
  high: number;
}) {
  return {
    estimate: round(interval.estimate, 5),
    standardError: round(interval.standardError, 5),
    low: round(interval.low, 5),
    high: round(interval.high, 5),
  };
}

runBench(main);
