import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';

import { createEmbeddedVectorStore } from '../adapters/embedded/index.js';
import { silentLogger } from '../logger.js';
import { waitFor } from '../testing/wait-for.js';
import { assignArm } from './assignment.js';
import { parseExperiments } from './definition.js';
import { ExperimentRegistry } from './registry.js';

const experiments = parseExperiments([
  {
    name: 'lists',
    arms: [
      { name: 'control', traffic: 0.5 },
      {
        name: 'diverse',
        traffic: 0.5,
        settings: { recommender: { mmrLambda: 0.3, blendWeights: { popular: 0.5 } } },
      },
    ],
  },
  {
    name: 'copy',
    arms: [
      { name: 'bandit', traffic: 0.5 },
      { name: 'plain', traffic: 0.5, settings: { generation: { bandit: false } } },
    ],
  },
]);

function userIn(arm: string, experiment = experiments[0]!): string {
  for (let i = 0; ; i += 1) if (assignArm(experiment, `u${i}`)?.name === arm) return `u${i}`;
}

describe('ExperimentRegistry', () => {
  it("gives each user their arms' settings, merged over experiments", () => {
    const registry = new ExperimentRegistry({
      experiments,
      refreshMs: 1000,
      logger: silentLogger(),
    });
    const diverse = registry.settingsOf(userIn('diverse'));
    assert.equal(diverse.mmrLambda, 0.3);
    assert.deepEqual(diverse.blendWeights, { popular: 0.5 });
    const control = registry.settingsOf(userIn('control'));
    assert.equal(control.mmrLambda, undefined);
    assert.deepEqual(
      control.arms.map((a) => a.experiment),
      ['lists', 'copy'],
    );
  });

  describe('when an experiment is stopped', () => {
    it('gives its users the services’ own settings, in every process on the store', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-experiments-'));
      const store = await createEmbeddedVectorStore({ dataDir, logger: silentLogger() });
      try {
        let now = 1_000;
        const options = {
          experiments,
          store,
          refreshMs: 100,
          logger: silentLogger(),
          now: () => now,
        };
        const here = new ExperimentRegistry(options);
        const elsewhere = new ExperimentRegistry(options);
        await here.start();
        await elsewhere.start();
        const user = userIn('diverse');
        assert.equal(elsewhere.settingsOf(user).mmrLambda, 0.3);

        const stopped = await here.stop('lists');
        assert.equal(stopped?.running, false);
        assert.equal(stopped?.stoppedAt, 1_000);
        assert.equal(here.settingsOf(user).mmrLambda, undefined);
        assert.deepEqual(
          here.settingsOf(user).arms.map((a) => a.experiment),
          ['copy'],
        );

        // Within the refresh period the other process still serves the arm; past it, not.
        assert.equal(elsewhere.get('lists')?.running, true);
        now += 100;
        await waitFor(() => elsewhere.get('lists')?.running === false, {
          description: 'the stop to reach the other registry',
        });
        assert.equal(elsewhere.settingsOf(user).mmrLambda, undefined);

        const restarted = new ExperimentRegistry(options);
        await restarted.start();
        assert.equal(restarted.get('lists')?.stoppedAt, 1_000);
        assert.equal(await restarted.stop('nope'), undefined);
      } finally {
        await store.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
});
