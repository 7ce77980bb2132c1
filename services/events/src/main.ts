import { createUserKeyVault, runService } from '@tailor/kit';

import { eventsEnvShape } from './config.js';
import { startEvents } from './subgraph.js';

await runService({
  name: 'events',
  envShape: eventsEnvShape,
  // The store holds only the key vault: events are sealed before they reach the bus.
  adapters: ['bus', 'store'],
  start: async (deps) =>
    startEvents({
      ...deps,
      vault: await createUserKeyVault({
        store: deps.store,
        pseudonymSecret: deps.config.USER_PSEUDONYM_SECRET,
      }),
      host: deps.config.HOST,
      port: deps.config.EVENTS_PORT,
    }),
});
