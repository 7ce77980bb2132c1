import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { BatchAnswer, BatchRead, ScoredPoint } from '@tailor/kit';

import { coveredAnswer } from './batch-cover.js';

const hit = (id: string, score: number): ScoredPoint => ({ id, score, payload: {}, version: 1 });

function search(
  limit: number,
  excluded: string[],
  vector: readonly number[] = [1, 0],
): BatchRead & { kind: 'search' } {
  return {
    kind: 'search',
    request: {
      using: 'content',
      vector: Float32Array.from(vector),
      limit,
      withPayload: ['updatedAt'],
      filter: {
        must: [{ key: 'inStock', match: { value: true } }],
        ...(excluded.length === 0 ? {} : { must_not: [{ has_id: excluded }] }),
      },
    },
  };
}

const hits = (...ids: string[]): BatchAnswer => ({
  kind: 'search',
  points: ids.map((id, i) => hit(id, 1 - i / 10)),
});
const found = (answer: BatchAnswer | undefined) => answer?.points.map((p) => p.id);

describe('coveredAnswer', () => {
  describe('for a search', () => {
    it('drops what only the new read excludes and cuts to its limit', () => {
      const answer = coveredAnswer(search(2, ['s', 'x']), search(3, ['s']), hits('a', 'x', 'b'));
      assert.deepEqual(found(answer), ['a', 'b']);
    });

    it('is undefined when too few hits are left and the store had more', () => {
      assert.equal(
        coveredAnswer(search(3, ['s', 'x']), search(3, ['s']), hits('a', 'x', 'b')),
        undefined,
      );
    });

    it('keeps every match when the sent search found fewer than it asked for', () => {
      const answer = coveredAnswer(search(3, ['x']), search(5, []), hits('a', 'x', 'b'));
      assert.deepEqual(found(answer), ['a', 'b']);
    });

    it('is undefined when the sent search excluded an id the new one may offer', () => {
      assert.equal(coveredAnswer(search(2, []), search(5, ['a']), hits('b', 'c')), undefined);
    });

    it('is undefined for another vector, another filter or more hits than were asked', () => {
      const sent = search(3, []);
      const answer = hits('a', 'b', 'c');
      assert.equal(coveredAnswer(search(3, [], [0, 1]), sent, answer), undefined);
      assert.equal(coveredAnswer(search(4, []), sent, answer), undefined);
      const other = search(3, []);
      other.request.filter = { must: [{ key: 'category', match: { value: 'books' } }] };
      assert.equal(coveredAnswer(other, sent, answer), undefined);
    });

    it('matches a search by the same stored point, not by another one', () => {
      const byPoint = (id: string): BatchRead => ({
        kind: 'search',
        request: {
          using: 'cf',
          nearPoint: { id, collection: 'profiles', using: 'cf' },
          limit: 2,
          filter: { must: [{ key: 'inStock', match: { value: true } }] },
        },
      });
      assert.deepEqual(found(coveredAnswer(byPoint('u'), byPoint('u'), hits('a', 'b'))), [
        'a',
        'b',
      ]);
      assert.equal(coveredAnswer(byPoint('u'), byPoint('v'), hits('a', 'b')), undefined);
    });
  });

  describe('for a retrieve', () => {
    const retrieve = (ids: string[], keys = ['updatedAt']): BatchRead => ({
      kind: 'retrieve',
      ids,
      options: { withPayload: keys },
    });
    const points: BatchAnswer = {
      kind: 'retrieve',
      points: ['a', 'b', 'c'].map((id) => ({ id, payload: {} })),
    };

    it('answers the asked ids among those sent', () => {
      assert.deepEqual(
        found(coveredAnswer(retrieve(['c', 'a']), retrieve(['a', 'b', 'c']), points)),
        ['a', 'c'],
      );
    });

    it('is undefined for an id not sent, or other payload keys', () => {
      assert.equal(
        coveredAnswer(retrieve(['a', 'd']), retrieve(['a', 'b', 'c']), points),
        undefined,
      );
      assert.equal(
        coveredAnswer(retrieve(['a'], ['title']), retrieve(['a', 'b', 'c']), points),
        undefined,
      );
    });
  });
});
