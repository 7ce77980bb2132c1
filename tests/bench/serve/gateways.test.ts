import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { answerDifference } from './gateways.js';

describe('answerDifference', () => {
  const answer = (id: string, score: number, title: string) => ({
    data: { user: { recommendations: { recommendationId: id, items: [{ score, title }] } } },
  });

  it('ignores the list id and the drift of a decayed score', () => {
    assert.equal(
      answerDifference(answer('a', 0.3264, 'Tent'), answer('b', 0.326399, 'Tent')),
      undefined,
    );
  });

  it('names where a value, a list or the field order differs', () => {
    assert.match(
      answerDifference(answer('a', 0.5, 'Tent'), answer('a', 0.5, 'Stove')) ?? '',
      /items\[0\]\.title: "Tent" against "Stove"/,
    );
    assert.match(
      answerDifference(answer('a', 0.5, 'Tent'), answer('a', 0.6, 'Tent')) ?? '',
      /score/,
    );
    assert.match(answerDifference([1, 2], [1]) ?? '', /^\$: /);
    assert.match(answerDifference({ a: 1, b: 2 }, { b: 2, a: 1 }) ?? '', /fields a,b against b,a/);
  });
});
