import { createUserKeyVault, runService } from '@tailor/kit';

import { trainerEnvShape } from './config.js';
import { startTrainer } from './subgraph.js';

await runService({
  name: 'trainer',
  envShape: trainerEnvShape,
  adapters: ['bus', 'store'],
  start: async (deps) =>
    startTrainer({
      ...deps,
      vault: await createUserKeyVault({
        store: deps.store,
        pseudonymSecret: deps.config.USER_PSEUDONYM_SECRET,
      }),
      host: deps.config.HOST,
      port: deps.config.TRAINER_PORT,
    }),
});
