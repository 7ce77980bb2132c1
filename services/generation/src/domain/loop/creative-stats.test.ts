import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CreativeStatsTally, type StatShowing } from './creative-stats.js';

const A: StatShowing = {
  creativeId: 'cr_a',
  itemId: 'shoe',
  format: 'DESCRIPTION',
  surface: 'home',
  angle: 'value',
};
const B: StatShowing = { ...A, creativeId: 'cr_b', angle: 'interest', surface: 'email' };

describe('CreativeStatsTally', () => {
  it('sums impressions and credits per creative, angle and surface alike', () => {
    const tally = new CreativeStatsTally();
    for (let i = 0; i < 3; i += 1) tally.shown(A);
    tally.shown(B);
    tally.credited(A, { added: 0.5, clicked: true, converted: false });
    tally.credited(A, { added: 0.5, clicked: false, converted: true });
    const [first, second] = tally.byCreative('shoe');
    assert.equal(first?.creativeId, 'cr_a');
    assert.deepEqual(
      [first?.impressions, first?.clicks, first?.conversions, first?.reward],
      [3, 1, 1, 1],
    );
    assert.ok(first!.ctr.low > 0 && first!.ctr.high < 1, 'a Wilson interval inside (0, 1)');
    assert.equal(second?.clicks, 0);
    assert.deepEqual(
      tally.grouped((c) => c.surface).map((g) => [g.key, g.figures.impressions]),
      [
        ['home', 3],
        ['email', 1],
      ],
    );
  });

  it('takes a showing back whole, and drops a creative with nothing left', () => {
    const tally = new CreativeStatsTally();
    tally.shown(A);
    tally.shown(B);
    tally.credited(B, { added: 1, clicked: true, converted: true });
    tally.removed(B, { clicked: true, converted: true, reward: 1 });
    assert.deepEqual(
      tally.byCreative('shoe').map((c) => c.creativeId),
      ['cr_a'],
    );
    assert.deepEqual(
      tally.cells().map((c) => [c.angle, c.impressions, c.clicks]),
      [['value', 1, 0]],
    );
  });
});
