import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  createEmbeddedEventBus,
  publishUserEvents,
  silentLogger,
  USER_EVENTS_TOPIC,
  type UserEvent,
} from '@tailor/kit';

import { ANGLES } from '../domain/loop/angles.js';
import { choiceEvent } from '../domain/loop/decision-event.js';

const COMMAND = fileURLToPath(new URL('./off-policy.js', import.meta.url));
/** Choices per angle in the log: each to its own user and item, so no showing overlaps another. */
const PER_ANGLE = 10;

interface Estimate {
  policy: string;
  ips: { estimate: number; low: number; high: number };
  snips: { estimate: number; low: number; high: number };
}
interface Report {
  events: number;
  choices: number;
  observedMean: number;
  estimates: Estimate[];
}

function runCommand(
  args: readonly string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMMAND, ...args], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A log as generation writes it with a uniform choice over the four angles, where only the
 * `value` showings were clicked: the uniform policy is the logging policy, so its estimate is
 * the observed mean, and always showing `value` earns four times as much.
 */
function uniformLogClickingValue(): UserEvent[] {
  const start = Date.now() - 60_000;
  const probabilities = Object.fromEntries(ANGLES.map((angle) => [angle, 1 / ANGLES.length]));
  return ANGLES.flatMap((angle, a) =>
    Array.from({ length: PER_ANGLE }, (_, i) => {
      const n = a * PER_ANGLE + i;
      const userId = `user-${n}`;
      const choice = {
        decisionId: `decision-${n}`,
        at: start + n,
        recommendationId: null,
        itemId: `item-${n}`,
        format: 'description',
        bucket: 'any|outdoor',
        angle,
        creativeId: `creative-${angle}-${n}`,
        propensity: 1 / ANGLES.length,
        probabilities,
      };
      const shown = choiceEvent(choice, userId);
      if (angle !== 'value') return [shown];
      const click: UserEvent = {
        eventId: `click-${n}`,
        userId,
        itemId: choice.itemId,
        type: 'click',
        timestamp: choice.at + 1_000,
        context: { creativeId: choice.creativeId },
      };
      return [shown, click];
    }),
  ).flat();
}

describe('the off-policy command (npm run off-policy)', () => {
  let dataDir: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tailor-off-policy-'));
    const bus = await createEmbeddedEventBus({ dataDir, logger: silentLogger() });
    await bus.ensureTopics([{ name: USER_EVENTS_TOPIC }]);
    await publishUserEvents(bus, uniformLogClickingValue());
    await bus.close();
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('estimates from the logged choices how each policy would have done', async () => {
    const run = await runCommand(
      ['--policy', 'uniform', '--policy', 'always:value', '--idle-ms', '500'],
      dataDir,
    );
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as Report;
    assert.equal(report.choices, ANGLES.length * PER_ANGLE);
    const [uniform, value] = report.estimates;
    assert.equal(uniform?.policy, 'uniform');
    assert.equal(value?.policy, 'always:value');
    assert.ok(Math.abs(uniform.ips.estimate - report.observedMean) < 1e-6, run.stdout);
    assert.ok(report.observedMean > 0, 'the clicks earned a reward');
    assert.ok(
      Math.abs(value.ips.estimate - ANGLES.length * uniform.ips.estimate) < 1e-6,
      run.stdout,
    );
    assert.ok(value.ips.low <= value.ips.estimate && value.ips.estimate <= value.ips.high);
  });

  it('refuses a policy it does not know, naming the option', async () => {
    const run = await runCommand(['--policy', 'always:loudest', '--idle-ms', '500'], dataDir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--policy: unknown policy "always:loudest"/);
  });

  it('refuses an idle time out of its range, naming the option', async () => {
    const run = await runCommand(['--idle-ms', '5'], dataDir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--idle-ms must be/);
  });
});
