import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ConfigError, DEFAULT_CF_DIMENSION, loadConfig } from '@tailor/kit';
import { z } from 'zod';

import { recommenderEnvShape } from './config.js';

const schema = z.object(recommenderEnvShape);

describe('recommenderEnvShape', () => {
  describe('when nothing is set', () => {
    it('uses the documented defaults', () => {
      assert.deepEqual(loadConfig(schema, {}), {
        CF_DIMENSION: DEFAULT_CF_DIMENSION,
        RECOMMENDER_PORT: 4004,
        RECOMMENDER_SHORT_TERM_WEIGHT: 0.35,
        RECOMMENDER_POPULARITY_WEIGHT: 0.1,
        RECOMMENDER_FRESHNESS_WEIGHT: 0.05,
        RECOMMENDER_MMR_LAMBDA: 0.7,
        RECOMMENDER_TRENDING_HALF_LIFE_HOURS: 24,
        RECOMMENDER_POPULARITY_HALF_LIFE_HOURS: 720,
      });
    });
  });

  describe('when a fraction is outside 0..1', () => {
    it('refuses it, naming the variable', () => {
      for (const variable of [
        'RECOMMENDER_SHORT_TERM_WEIGHT',
        'RECOMMENDER_POPULARITY_WEIGHT',
        'RECOMMENDER_FRESHNESS_WEIGHT',
        'RECOMMENDER_MMR_LAMBDA',
      ]) {
        assert.throws(
          () => loadConfig(schema, { [variable]: '1.5' }),
          (err: unknown) =>
            err instanceof ConfigError && err.issues.some((i) => i.variable === variable),
        );
      }
    });
  });

  describe('when the half-life is not positive', () => {
    it('refuses it, naming the variable', () => {
      assert.throws(
        () => loadConfig(schema, { RECOMMENDER_TRENDING_HALF_LIFE_HOURS: '0' }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.issues.some((i) => i.variable === 'RECOMMENDER_TRENDING_HALF_LIFE_HOURS'),
      );
    });
  });
});
