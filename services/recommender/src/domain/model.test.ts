import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { collaborativeUsable, readModel } from './model.js';

describe('readModel', () => {
  describe('when the models point is there, missing, or without a version', () => {
    it('reads the version, or no model', () => {
      assert.deepEqual(readModel({ id: 'current', payload: { modelVersion: 'm-3' } }), {
        modelVersion: 'm-3',
      });
      assert.equal(readModel(undefined), null);
      assert.equal(readModel({ id: 'current', payload: { modelVersion: '' } }), null);
      assert.equal(readModel({ id: 'current', payload: { modelVersion: 3 } }), null);
    });
  });
});

describe('collaborativeUsable', () => {
  describe('when the user was folded in against the model in service', () => {
    it('is usable', () => {
      assert.equal(collaborativeUsable({ modelVersion: 'm-3' }, { modelVersion: 'm-3' }), true);
    });
  });

  describe('when the model was retrained since, or there is no model or vector', () => {
    it('is not: factors of two trainings are not comparable', () => {
      assert.equal(collaborativeUsable({ modelVersion: 'm-2' }, { modelVersion: 'm-3' }), false);
      assert.equal(collaborativeUsable({ modelVersion: 'm-3' }, null), false);
      assert.equal(collaborativeUsable(null, { modelVersion: 'm-3' }), false);
    });
  });
});
