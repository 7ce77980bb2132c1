import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ItemPayload } from '@tailor/kit';

import { distinct2, textProblems, type UserTruth, userTruth, vocabulary } from './checks.js';
import { clusteredBootstrap } from './judge.js';

function item(overrides: Partial<ItemPayload> & Pick<ItemPayload, 'itemId'>): ItemPayload {
  return {
    title: 'Dome Tent',
    description: 'A two person tent.',
    category: 'outdoor',
    tags: ['camping'],
    price: 99.5,
    currency: 'EUR',
    inStock: true,
    attributes: { color: 'green' },
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

const TENT = item({ itemId: 'tent' });
const PAN = item({
  itemId: 'pan',
  title: 'Cast Iron Pan',
  category: 'kitchen',
  tags: ['cooking'],
  attributes: { color: 'black' },
});
const STOVE = item({ itemId: 'stove', title: 'Camp Stove', tags: ['camping', 'hiking'] });
const catalog = new Map([TENT, PAN, STOVE].map((i) => [i.itemId, i]));
const vocab = vocabulary(catalog);
const hiker = userTruth('user-1', ['stove'], catalog);
const faithfulnessProblems = (text: string, of: ItemPayload, truth: UserTruth, v = vocab) =>
  textProblems(text, of, truth, v).faithfulness;
const honestyProblems = (text: string, of: ItemPayload, truth: UserTruth, v = vocab) =>
  textProblems(text, of, truth, v).honesty;

describe('faithfulnessProblems', () => {
  it("passes the facts and the user's own titles, and names what is not a fact", () => {
    assert.deepEqual(
      faithfulnessProblems(
        'Dome Tent, green, 99.50 EUR. Like the Camp Stove you picked.',
        TENT,
        hiker,
        vocab,
      ),
      [],
    );
    const problems = faithfulnessProblems(
      'A black tent, 3 kg, free shipping, 89.00 EUR.',
      TENT,
      hiker,
      vocab,
    );
    assert.ok(problems.some((p) => p.includes('number 3')));
    assert.ok(problems.some((p) => p.includes('89.00 EUR')));
    assert.ok(problems.some((p) => p.includes('"black"')));
    assert.ok(problems.some((p) => p.includes('"free"')));
  });
});

describe('honestyProblems', () => {
  it("allows naming the user's interest as new ground, not as a match", () => {
    assert.deepEqual(
      honestyProblems('Something new for you beyond hiking: a kitchen find.', PAN, hiker, vocab),
      [],
    );
    assert.equal(honestyProblems('Perfect for your hiking trips.', PAN, hiker, vocab).length, 1);
  });

  it('flags interests the user does not have, titles they did not pick, and the user id', () => {
    assert.equal(
      honestyProblems('Since you love cooking, this tent.', TENT, hiker, vocab).length,
      1,
    );
    assert.equal(
      honestyProblems('Like the Cast Iron Pan you picked.', TENT, hiker, vocab).length,
      1,
    );
    assert.equal(honestyProblems('Hello user-1.', TENT, hiker, vocab).length, 1);
  });
});

describe('distinct2', () => {
  it('is 1 for texts without a repeated bigram and lower with repeats', () => {
    assert.equal(distinct2(['a b c', 'd e f']), 1);
    assert.equal(distinct2(['a b', 'a b']), 0.5);
  });
});

describe('clusteredBootstrap', () => {
  it('gives the mean, and an interval that is a point when every score is equal', () => {
    const scores = ['x', 'y', 'z'].flatMap((cluster) => [
      { cluster, score: 0.5 },
      { cluster, score: 0.5 },
    ]);
    assert.deepEqual(clusteredBootstrap(scores), { value: 0.5, low: 0.5, high: 0.5, n: 6 });
  });
});
