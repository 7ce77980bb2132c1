/**
 * Off-policy evaluation over the log (issue 16, item 5): reads `user-events` from the
 * beginning with the service's own adapter settings, joins the variant choices generation
 * logged to the events that credit them (the reward feed's rule), and prints, as JSON, the IPS
 * and self-normalized IPS estimate with 95% intervals of how each named policy would have done.
 *
 *   node services/generation/dist/scripts/off-policy.js [--policy uniform] [--policy always:value]
 *     [--idle-ms 3000]
 *
 * The log has no end marker a consumer can see, so the replay is taken as read once no batch
 * arrived for `--idle-ms`.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

import {
  adapterEnvShape,
  baseEnvShape,
  consumeUserEvents,
  createAdapters,
  createLogger,
  createUserKeyVault,
  DeliveredOffsets,
  loadConfigOrExit,
  refineAdapterEnv,
} from '@tailor/kit';
import { z } from 'zod';

import { generationEnvShape } from '../config.js';
import { ANGLES } from '../domain/loop/angles.js';
import { LoggedChoices, namedPolicy } from '../domain/loop/off-policy-log.js';

/** Choices held at most: past it the oldest go first (their rewards then count nothing). */
const MAX_CHOICES = 2_000_000;

const { values } = parseArgs({
  options: {
    policy: { type: 'string', multiple: true },
    'idle-ms': { type: 'string', default: '3000' },
  },
});
const idleMs = Number(values['idle-ms']);
if (!(Number.isInteger(idleMs) && idleMs >= 100 && idleMs <= 600_000)) {
  process.stderr.write('--idle-ms must be a whole number of milliseconds from 100 to 600000\n');
  process.exit(2);
}
const names = values.policy ?? ['uniform', ...ANGLES.map((a) => `always:${a}`)];
let policies;
try {
  policies = names.map((name) => ({ name, policy: namedPolicy(name) }));
} catch (err) {
  process.stderr.write(`--policy: ${(err as Error).message}\n`);
  process.exit(2);
}

const config = loadConfigOrExit(
  z
    .object({ ...baseEnvShape, ...adapterEnvShape, ...generationEnvShape })
    .superRefine(refineAdapterEnv),
);
const logger = createLogger({ name: 'off-policy', level: config.LOG_LEVEL });
const adapters = await createAdapters(config, logger, ['bus', 'store']);
const vault = await createUserKeyVault({
  store: adapters.store,
  pseudonymSecret: config.USER_PSEUDONYM_SECRET,
});
const choices = new LoggedChoices({
  windowMs: config.GENERATION_ATTRIBUTION_WINDOW_MS,
  weights: config.GENERATION_REWARD_WEIGHTS,
  maxChoices: MAX_CHOICES,
});
const delivered = new DeliveredOffsets();
let events = 0;
let lastBatchAt = Date.now();
const subscription = await consumeUserEvents({
  bus: adapters.bus,
  // A group of its own that commits nothing: the whole log every run, no one else's offsets.
  groupId: `generation-off-policy-${randomUUID()}`,
  logger,
  fromBeginning: true,
  ephemeral: true,
  deadLetters: false,
  vault,
  handle: async (batch) => {
    lastBatchAt = Date.now();
    for (const consumed of batch) {
      if (!delivered.first(consumed)) continue;
      events += 1;
      choices.apply(consumed.event);
    }
  },
});
while (Date.now() - lastBatchAt < idleMs)
  await new Promise((resolve) => setTimeout(resolve, Math.min(250, idleMs)));
await subscription.stop();
await adapters.close();

if (choices.size === 0) {
  process.stdout.write(
    `${JSON.stringify({ events, choices: 0, note: 'no logged variant choices' })}\n`,
  );
  process.exit(0);
}
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const interval = (i: { estimate: number; low: number; high: number }) => ({
  estimate: round(i.estimate),
  low: round(i.low),
  high: round(i.high),
});
const estimates = policies.map(({ name, policy }) => {
  const e = choices.estimate(policy);
  return {
    policy: name,
    ips: interval(e.ips),
    snips: interval(e.snips),
    effectiveSampleSize: Math.round(e.effectiveSampleSize),
    maxWeight: round(e.maxWeight),
  };
});
const observedMean = round(choices.estimate(namedPolicy('uniform')).observedMean);
process.stdout.write(
  `${JSON.stringify({ events, choices: choices.size, observedMean, estimates }, null, 2)}\n`,
);
