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
        EXPERIMENTS: [],
        EXPERIMENTS_REFRESH_MS: 5000,
        RECOMMENDER_PORT: 4004,
        RECOMMENDER_SHORT_TERM_WEIGHT: 0.35,
        RECOMMENDER_COLLABORATIVE_WEIGHT: 10,
        RECOMMENDER_COLLABORATIVE_FLOOR: 0.01,
        RECOMMENDER_CONTENT_WEIGHT: 0.5,
        RECOMMENDER_POPULARITY_WEIGHT: 0.02,
        RECOMMENDER_TRENDING_WEIGHT: 1,
        RECOMMENDER_FRESHNESS_WEIGHT: 0.05,
        RECOMMENDER_COLLABORATIVE_CANDIDATES_PER_ITEM: 10,
        RECOMMENDER_CONTENT_CANDIDATES_PER_ITEM: 10,
        RECOMMENDER_POPULAR_CANDIDATES_PER_ITEM: 5,
        RECOMMENDER_TRENDING_CANDIDATES_PER_ITEM: 10,
        RECOMMENDER_NEWEST_CANDIDATES_PER_ITEM: 10,
        RECOMMENDER_MMR_LAMBDA: 1,
        RECOMMENDER_TRENDING_HALF_LIFE_HOURS: 24,
        RECOMMENDER_POPULARITY_HALF_LIFE_HOURS: 720,
        RECOMMENDER_MODEL_REFRESH_MS: 1000,
        RECOMMENDER_VECTOR_CACHE_ITEMS: 20000,
        RECOMMENDER_PROFILE_CACHE_USERS: 5000,
        RECOMMENDER_PROFILE_CACHE_MAX_AGE_MS: 300000,
        RECOMMENDER_PROFILE_GUESS: false,
        RECOMMENDER_FALLBACK_REFRESH_MS: 30000,
      });
    });
  });

  describe('when a fraction is outside 0..1', () => {
    it('refuses it, naming the variable', () => {
      for (const variable of ['RECOMMENDER_SHORT_TERM_WEIGHT', 'RECOMMENDER_MMR_LAMBDA']) {
        assert.throws(
          () => loadConfig(schema, { [variable]: '1.5' }),
          (err: unknown) =>
            err instanceof ConfigError && err.issues.some((i) => i.variable === variable),
        );
      }
    });
  });

  describe('when a source weight is negative or above 10', () => {
    it('refuses it, naming the variable', () => {
      for (const [variable, value] of [
        ['RECOMMENDER_COLLABORATIVE_WEIGHT', '-0.1'],
        ['RECOMMENDER_CONTENT_WEIGHT', '11'],
        ['RECOMMENDER_POPULARITY_WEIGHT', 'lots'],
        ['RECOMMENDER_TRENDING_WEIGHT', '-1'],
        ['RECOMMENDER_FRESHNESS_WEIGHT', '10.5'],
      ] as const) {
        assert.throws(
          () => loadConfig(schema, { [variable]: value }),
          (err: unknown) =>
            err instanceof ConfigError && err.issues.some((i) => i.variable === variable),
        );
      }
    });
  });

  describe('when a candidate count is not a whole number from 0 to 50', () => {
    it('refuses it, naming the variable', () => {
      for (const value of ['-1', '51', '2.5']) {
        assert.throws(
          () => loadConfig(schema, { RECOMMENDER_CONTENT_CANDIDATES_PER_ITEM: value }),
          (err: unknown) =>
            err instanceof ConfigError &&
            err.issues.some((i) => i.variable === 'RECOMMENDER_CONTENT_CANDIDATES_PER_ITEM'),
        );
      }
    });
  });

  describe('when the guess setting is not true or false', () => {
    it('refuses it, naming the variable', () => {
      assert.equal(
        loadConfig(schema, { RECOMMENDER_PROFILE_GUESS: 'true' }).RECOMMENDER_PROFILE_GUESS,
        true,
      );
      assert.throws(
        () => loadConfig(schema, { RECOMMENDER_PROFILE_GUESS: '2000' }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.issues.some((i) => i.variable === 'RECOMMENDER_PROFILE_GUESS'),
      );
    });
  });

  describe('when the retired RECOMMENDER_PROFILE_GUESS_USERS is still set', () => {
    it('refuses to start, naming the variable and its replacement', () => {
      assert.throws(
        () => loadConfig(schema, { RECOMMENDER_PROFILE_GUESS_USERS: '2000' }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.issues.some(
            (i) =>
              i.variable === 'RECOMMENDER_PROFILE_GUESS_USERS' &&
              i.problem.includes('RECOMMENDER_PROFILE_GUESS=true'),
          ),
      );
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
