import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { z } from 'zod';

import { ConfigError, loadConfig } from '../config.js';
import { experimentsEnvShape } from './definition.js';

const schema = z.object(experimentsEnvShape);

function problems(value: unknown): string[] {
  try {
    loadConfig(schema, { EXPERIMENTS: JSON.stringify(value) });
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((issue) => `${issue.variable}: ${issue.problem.split(' (')[0]}`);
  }
  return [];
}

const arms = [
  { name: 'control', traffic: 0.5 },
  { name: 'treatment', traffic: 0.5, settings: { generation: { bandit: false } } },
];

describe('EXPERIMENTS', () => {
  it('reads a list of experiments with their arms and settings', () => {
    const config = loadConfig(schema, {
      EXPERIMENTS: JSON.stringify([{ name: 'bandit-off', arms }]),
    });
    assert.equal(config.EXPERIMENTS[0]?.arms[1]?.settings.generation?.bandit, false);
    assert.equal(config.EXPERIMENTS[0]?.stopped, false);
    assert.deepEqual(config.EXPERIMENTS[0]?.arms[0]?.settings, {});
  });

  it('means no experiments when unset', () => {
    assert.deepEqual(loadConfig(schema, {}).EXPERIMENTS, []);
  });

  it('names the field of a bad value', () => {
    assert.deepEqual(problems([{ name: 'x', arms: [arms[0], { ...arms[1], traffic: 0 }] }]), [
      'EXPERIMENTS.0.arms.1.traffic: traffic must be greater than 0',
    ]);
    assert.deepEqual(
      problems([
        {
          name: 'x',
          arms: [arms[0], { name: 'b', traffic: 0.5, settings: { recommender: { mmrLambda: 2 } } }],
        },
      ]),
      ['EXPERIMENTS.0.arms.1.settings.recommender.mmrLambda: expected a number from 0 to 1'],
    );
  });

  it('refuses traffic over 1, a lone arm, twice-used names and unknown settings', () => {
    assert.deepEqual(problems([{ name: 'x', arms: [arms[0], { ...arms[1], traffic: 0.6 }] }]), [
      "EXPERIMENTS.0.arms: the arms' traffic must sum to at most 1, got 1.1",
    ]);
    assert.deepEqual(problems([{ name: 'x', arms: [arms[0]] }]), [
      'EXPERIMENTS.0.arms: an experiment needs at least 2 arms',
    ]);
    assert.deepEqual(problems([{ name: 'x', arms: [arms[0], { ...arms[1], name: 'control' }] }]), [
      'EXPERIMENTS.0.arms.1.name: arm name "control" is used twice',
    ]);
    assert.match(
      problems([{ name: 'x', arms: [arms[0], { ...arms[1], settings: { colour: 'red' } }] }])[0]!,
      /^EXPERIMENTS\.0\.arms\.1\.settings: .*colour/,
    );
  });

  it('refuses two experiments that set the same setting', () => {
    assert.deepEqual(
      problems([
        { name: 'one', arms },
        { name: 'two', arms },
      ]),
      [
        'EXPERIMENTS.1.arms.1.settings.generation.bandit: generation.bandit is already set by experiment "one"',
      ],
    );
  });

  it('says when the value is not JSON', () => {
    assert.throws(
      () => loadConfig(schema, { EXPERIMENTS: '[{name:' }),
      /EXPERIMENTS: expected a JSON list of experiments/,
    );
  });
});
