import { runService } from '@tailor/kit';

import { profilesEnvShape } from './config.js';
import { startProfiles } from './index.js';

await runService({
  name: 'profiles',
  envShape: profilesEnvShape,
  adapters: ['bus', 'store', 'embedder'],
  start: (deps) =>
    startProfiles({ ...deps, host: deps.config.HOST, port: deps.config.PROFILES_PORT }),
});
