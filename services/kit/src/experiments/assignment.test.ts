import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assignArm, assignmentPoint } from './assignment.js';
import { parseExperiments } from './definition.js';

const [experiment] = parseExperiments([
  {
    name: 'mmr-test',
    arms: [
      { name: 'control', traffic: 0.5 },
      { name: 'diverse', traffic: 0.5, settings: { recommender: { mmrLambda: 0.5 } } },
    ],
  },
]);

describe('assignArm', () => {
  it('puts a user in the same arm every time', () => {
    for (let i = 0; i < 200; i += 1) {
      const userId = `user-${i}`;
      assert.equal(assignArm(experiment!, userId)?.name, assignArm(experiment!, userId)?.name);
    }
  });

  it('splits users in proportion to the traffic', () => {
    const [uneven] = parseExperiments([
      {
        name: 'uneven',
        arms: [
          { name: 'a', traffic: 0.2 },
          { name: 'b', traffic: 0.5 },
        ],
      },
    ]);
    const counts = new Map<string, number>();
    const users = 20_000;
    for (let i = 0; i < users; i += 1) {
      const arm = assignArm(uneven!, `u${i}`)?.name ?? 'none';
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    // 4 standard deviations of a binomial share at 20k users: about ±0.013.
    assert.ok(Math.abs((counts.get('a') ?? 0) / users - 0.2) < 0.013, JSON.stringify([...counts]));
    assert.ok(Math.abs((counts.get('b') ?? 0) / users - 0.5) < 0.015, JSON.stringify([...counts]));
    assert.ok(
      Math.abs((counts.get('none') ?? 0) / users - 0.3) < 0.014,
      JSON.stringify([...counts]),
    );
  });

  it('splits independently in two experiments', () => {
    // A user's place in one experiment says nothing of their place in another.
    let both = 0;
    const users = 10_000;
    for (let i = 0; i < users; i += 1) {
      if (assignmentPoint('one', `u${i}`) < 0.5 && assignmentPoint('two', `u${i}`) < 0.5) both += 1;
    }
    assert.ok(Math.abs(both / users - 0.25) < 0.02, String(both));
  });
});
