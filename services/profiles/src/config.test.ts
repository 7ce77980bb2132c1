import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ConfigError,
  DEFAULT_CF_DIMENSION,
  DEFAULT_EVENT_WEIGHTS,
  DEFAULT_RECENT_TASTE,
  loadConfig,
} from '@tailor/kit';
import { z } from 'zod';

import { profilesEnvShape, profileSettings } from './config.js';

const schema = z.object(profilesEnvShape);
const load = (env: Record<string, string>) => loadConfig(schema, env);

function problemOf(env: Record<string, string>): { variable: string; problem: string } {
  try {
    load(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.issues.length, 1);
    return err.issues[0]!;
  }
  assert.fail('expected a ConfigError');
}

describe('profilesEnvShape', () => {
  describe('when nothing is set', () => {
    it('uses the documented defaults', () => {
      const config = load({});
      assert.equal(config.PROFILES_PORT, 4003);
      assert.equal(config.PROFILE_LONG_HALF_LIFE_HOURS, 720);
      assert.equal(config.PROFILE_SHORT_HALF_LIFE_MINUTES, 30);
      assert.deepEqual(config.PROFILE_EVENT_WEIGHTS, DEFAULT_EVENT_WEIGHTS);
    });

    it('turns into domain settings in milliseconds', () => {
      assert.deepEqual(profileSettings(load({}), 256), {
        dimension: 256,
        cfDimension: DEFAULT_CF_DIMENSION,
        longHalfLifeMs: 720 * 3_600_000,
        shortHalfLifeMs: 30 * 60_000,
        weights: DEFAULT_EVENT_WEIGHTS,
        recentTaste: DEFAULT_RECENT_TASTE,
      });
    });
  });

  describe('when PROFILE_EVENT_WEIGHTS overrides some weights', () => {
    it('keeps the defaults of the others', () => {
      const config = load({ PROFILE_EVENT_WEIGHTS: '{"like":5,"skip":-0.5}' });
      assert.deepEqual(config.PROFILE_EVENT_WEIGHTS, {
        ...DEFAULT_EVENT_WEIGHTS,
        like: 5,
        skip: -0.5,
      });
    });
  });

  describe('when PROFILE_EVENT_WEIGHTS is wrong', () => {
    it('names an unknown key', () => {
      const { variable, problem } = problemOf({ PROFILE_EVENT_WEIGHTS: '{"lik":5}' });
      assert.equal(variable, 'PROFILE_EVENT_WEIGHTS');
      assert.match(problem, /key "lik" cannot be set: expected one of view, click/);
    });

    it('says why rating, dwell and impression cannot be set', () => {
      assert.match(
        problemOf({ PROFILE_EVENT_WEIGHTS: '{"rating":1}' }).problem,
        /rating weights follow the stars/,
      );
      assert.match(
        problemOf({ PROFILE_EVENT_WEIGHTS: '{"dwell":1}' }).problem,
        /dwell weights follow the seconds/,
      );
      assert.match(problemOf({ PROFILE_EVENT_WEIGHTS: '{"impression":1}' }).problem, /never move/);
    });

    it('names a key whose weight is not a number in range', () => {
      assert.match(
        problemOf({ PROFILE_EVENT_WEIGHTS: '{"like":"4","view":1000}' }).problem,
        /key "like" must be a number from -100 to 100; key "view" must be a number/,
      );
    });

    it('refuses text that is not a JSON object', () => {
      assert.match(
        problemOf({ PROFILE_EVENT_WEIGHTS: 'like=5' }).problem,
        /expected a JSON object/,
      );
      assert.match(problemOf({ PROFILE_EVENT_WEIGHTS: '[1,2]' }).problem, /expected a JSON object/);
    });
  });

  describe('when a half-life is not positive', () => {
    it('names the variable', () => {
      assert.equal(
        problemOf({ PROFILE_LONG_HALF_LIFE_HOURS: '0' }).variable,
        'PROFILE_LONG_HALF_LIFE_HOURS',
      );
      assert.equal(
        problemOf({ PROFILE_SHORT_HALF_LIFE_MINUTES: 'soon' }).variable,
        'PROFILE_SHORT_HALF_LIFE_MINUTES',
      );
    });
  });
});
