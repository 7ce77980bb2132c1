import { runService } from '@tailor/kit';

import { eventsEnvShape } from './config.js';
import { startEvents } from './index.js';

await runService({
  name: 'events',
  envShape: eventsEnvShape,
  adapters: ['bus'],
  start: (deps) => startEvents({ ...deps, host: deps.config.HOST, port: deps.config.EVENTS_PORT }),
});
