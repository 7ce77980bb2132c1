import { runService } from '@tailor/kit';

import { generationEnvShape } from './config.js';
import { startGeneration } from './index.js';

await runService({
  name: 'generation',
  envShape: generationEnvShape,
  adapters: ['store'],
  start: (deps) =>
    startGeneration({ ...deps, host: deps.config.HOST, port: deps.config.GENERATION_PORT }),
});
