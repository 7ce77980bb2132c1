import { createUserKeyVault, runService } from '@tailor/kit';

import { profilesEnvShape } from './config.js';
import { startProfiles } from './subgraph.js';

await runService({
  name: 'profiles',
  envShape: profilesEnvShape,
  adapters: ['bus', 'store', 'embedder'],
  start: async (deps) =>
    startProfiles({
      ...deps,
      vault: await createUserKeyVault({
        store: deps.store,
        pseudonymSecret: deps.config.USER_PSEUDONYM_SECRET,
      }),
      host: deps.config.HOST,
      port: deps.config.PROFILES_PORT,
    }),
});
