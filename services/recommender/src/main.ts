import { runService } from '@tailor/kit';

import { recommenderEnvShape } from './config.js';
import { startRecommender } from './index.js';

await runService({
  name: 'recommender',
  envShape: recommenderEnvShape,
  adapters: ['bus', 'store', 'embedder'],
  start: (deps) =>
    startRecommender({ ...deps, host: deps.config.HOST, port: deps.config.RECOMMENDER_PORT }),
});
