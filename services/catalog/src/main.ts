import { runService } from '@tailor/kit';

import { catalogEnvShape } from './config.js';
import { startCatalog } from './subgraph.js';

await runService({
  name: 'catalog',
  envShape: catalogEnvShape,
  adapters: ['store', 'embedder'],
  start: (deps) =>
    startCatalog({ ...deps, host: deps.config.HOST, port: deps.config.CATALOG_PORT }),
});
