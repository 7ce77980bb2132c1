import { createUserKeyVault, runService } from '@tailor/kit';

import { generationEnvShape } from './config.js';
import { startGeneration } from './subgraph.js';

await runService({
  name: 'generation',
  envShape: generationEnvShape,
  // The bus feeds the experiments' results; the vault opens its sealed events.
  adapters: ['store', 'bus'],
  start: async (deps) =>
    startGeneration({
      ...deps,
      vault: await createUserKeyVault({
        store: deps.store,
        pseudonymSecret: deps.config.USER_PSEUDONYM_SECRET,
      }),
      host: deps.config.HOST,
      port: deps.config.GENERATION_PORT,
    }),
});
