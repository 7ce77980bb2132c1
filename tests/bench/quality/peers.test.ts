import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import type { QualityFigures } from './metrics.js';
import {
  chooseSetting,
  PEER_FORMAT,
  peerInput,
  peerVenvDir,
  readPeerOutput,
  runPeers,
} from './peers.js';
import { type Rating, splitByUser, splitHistoryForValidation } from './split.js';

const r = (userId: string, itemId: string, rating: number, timestamp: number): Rating => ({
  userId,
  itemId,
  rating,
  timestamp,
});

const ITEMS = ['10', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20'];
// User 1: ten 5-star ratings in item order, then a 2-star one; user 2 likes a few.
const RATINGS = [
  ...Array.from({ length: 10 }, (_, i) => r('1', String(10 + i), 5, 1_000 + i)),
  r('1', '20', 2, 1_005),
  r('2', '10', 4, 1),
  r('2', '11', 1, 2),
  r('2', '12', 5, 3),
];
const MODELS = [{ name: 'EASE' as const, settings: [{ lambda: 100 }] }];

describe('peerInput', () => {
  describe('when built from the test split', () => {
    const splits = splitByUser(RATINGS);
    const input = peerInput(splits, ITEMS, 4, MODELS);
    const index = (id: string) => ITEMS.indexOf(id);

    it('trains on history positives only and leaves out the whole history', () => {
      const user = input.users.find((u) => u.id === '1');
      assert.deepEqual(user?.train, ['10', '11', '12', '13', '14', '15', '16', '17'].map(index));
      assert.deepEqual(
        user?.exclude,
        ['10', '11', '12', '13', '14', '15', '16', '17', '20'].map(index),
      );
    });

    it("carries none of a user's held-out items for that user", () => {
      for (const split of splits) {
        const user = input.users.find((u) => u.id === split.userId);
        const seen = [...(user?.train ?? []), ...(user?.exclude ?? [])];
        assert.ok(!split.test.some((id) => seen.includes(index(id))));
      }
    });

    it('is the same whatever the held-out items are', () => {
      const changed = splits.map((split) => ({ ...split, test: ['20', '10'] }));
      assert.deepEqual(peerInput(changed, ITEMS, 4, MODELS), input);
    });
  });

  describe('when built for tuning', () => {
    const splits = splitByUser(RATINGS);
    const validation = splitHistoryForValidation(splits);
    const input = peerInput(validation, ITEMS, 4, MODELS);

    it("never reads a user's test item, neither to train nor to leave out", () => {
      for (const split of splits) {
        const user = input.users.find((u) => u.id === split.userId);
        const seen = [...(user?.train ?? []), ...(user?.exclude ?? [])];
        assert.ok(!split.test.some((id) => seen.includes(ITEMS.indexOf(id))));
      }
      assert.ok(input.users.some((u) => u.train.length > 0));
    });

    it('is the same whatever the test items are', () => {
      const changed = splits.map((split) => ({ ...split, test: ['20'] }));
      assert.deepEqual(peerInput(splitHistoryForValidation(changed), ITEMS, 4, MODELS), input);
    });

    it('holds back the newest history positives as the validation targets', () => {
      assert.deepEqual(validation.find((s) => s.userId === '1')?.test, ['16', '17']);
    });
  });
});

describe('readPeerOutput', () => {
  const input = peerInput(splitByUser(RATINGS), ITEMS, 4, MODELS);

  it('maps indices back to item ids and cuts each list per metric', () => {
    const lists = input.users.map(() => Array.from({ length: 11 }, (_, i) => i));
    const [run] = readPeerOutput(input, {
      format: PEER_FORMAT,
      items: 11,
      runs: [{ model: 'EASE', setting: { lambda: 100 }, fitSeconds: 0.1, lists }],
    });
    const user = run?.lists.get('2');
    assert.equal(user?.top10.length, 10);
    assert.equal(user?.top50[10], '20');
  });

  it('refuses an answer of another format', () => {
    assert.throws(() => readPeerOutput(input, { format: 99, runs: [] }), /format 99/);
  });

  it('refuses an answer with a list per user missing', () => {
    assert.throws(
      () =>
        readPeerOutput(input, {
          format: PEER_FORMAT,
          items: 11,
          runs: [{ model: 'EASE', setting: {}, fitSeconds: 0, lists: [[0]] }],
        }),
      /1 lists for 2 users/,
    );
  });

  it('refuses an item index outside the catalog', () => {
    assert.throws(
      () =>
        readPeerOutput(input, {
          format: PEER_FORMAT,
          items: 11,
          runs: [{ model: 'EASE', setting: {}, fitSeconds: 0, lists: [[0], [11]] }],
        }),
      /item index 11 unknown/,
    );
  });
});

describe('chooseSetting', () => {
  const figures = (ndcg: number, hr: number): QualityFigures => ({
    users: 1,
    'HR@10': hr,
    'NDCG@10': ndcg,
    'Recall@20': 0,
    'MRR@50': 0,
    'coverage@10': 0,
  });

  it('takes the best NDCG@10, then the best HR@10, then the first', () => {
    const rows = [
      { setting: { lambda: 1 }, fitSeconds: 0, figures: figures(0.1, 0.5) },
      { setting: { lambda: 2 }, fitSeconds: 0, figures: figures(0.2, 0.4) },
      { setting: { lambda: 3 }, fitSeconds: 0, figures: figures(0.2, 0.6) },
      { setting: { lambda: 4 }, fitSeconds: 0, figures: figures(0.2, 0.6) },
    ];
    assert.deepEqual(chooseSetting(rows).setting, { lambda: 3 });
  });
});

describe('peers.py', () => {
  const python = path.join(peerVenvDir(), 'bin', 'python');
  const skip = existsSync(python)
    ? false
    : `no peers venv at ${python}: the first npm run bench:quality makes it (pip, PyPI)`;
  const liked = (userId: string, ...itemIds: string[]) => ({
    userId,
    history: itemIds.map((itemId, i): Rating => r(userId, itemId, 5, i)),
    test: [],
  });
  // a goes with b, c with d; user 5 liked a and has rated e badly.
  const splits = [
    liked('1', 'a', 'b'),
    liked('2', 'a', 'b'),
    liked('3', 'c', 'd'),
    liked('4', 'c', 'd', 'e'),
    { ...liked('5', 'a'), history: [r('5', 'a', 5, 0), r('5', 'e', 1, 1)] },
  ];
  const items = ['a', 'b', 'c', 'd', 'e', 'f'];

  it('ranks with EASE and iALS, leaves out the history and never an unliked item', { skip }, () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'tailor-peers-test-'));
    try {
      const input = peerInput(splits, items, 4, [
        { name: 'EASE', settings: [{ lambda: 1 }] },
        {
          name: 'iALS',
          settings: [{ factors: 2, regularization: 0.1, alpha: 1, iterations: 5 }],
        },
      ]);
      const [ease, ials] = runPeers(python, input, scratch, 'unit');
      assert.equal(ease?.lists.get('5')?.top50[0], 'b');
      for (const run of [ease, ials]) {
        const list = run?.lists.get('5')?.top50 ?? [];
        assert.deepEqual([...list].sort(), ['b', 'c', 'd']);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
