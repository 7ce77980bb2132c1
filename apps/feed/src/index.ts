// What the gateway needs of the feed page: where its bundle is. Node only, and without esbuild,
// so a production install (which has no build tools) can import it.
import { fileURLToPath } from 'node:url';

/** Where the build puts the bundled page (`node apps/feed/dist/build.js`) for the gateway. */
export const FEED_PAGE_DIR = fileURLToPath(new URL('./public/', import.meta.url));
