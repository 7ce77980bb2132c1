import { createUserKeyVault, runService } from '@tailor/kit';

import { recommenderEnvShape } from './config.js';
import { startRecommender } from './subgraph.js';

await runService({
  name: 'recommender',
  envShape: recommenderEnvShape,
  adapters: ['bus', 'store', 'embedder'],
  start: async (deps) =>
    startRecommender({
      ...deps,
      vault: await createUserKeyVault({
        store: deps.store,
        pseudonymSecret: deps.config.USER_PSEUDONYM_SECRET,
      }),
      host: deps.config.HOST,
      port: deps.config.RECOMMENDER_PORT,
    }),
});
