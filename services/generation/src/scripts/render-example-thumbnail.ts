import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { itemFactsFromPayload } from '../domain/facts.js';
import type { InterestSummary } from '../domain/interests.js';
import { composeThumbnail } from '../domain/thumbnail.js';
import { createResvgRenderer } from '../thumbnails/renderer.js';

/**
 * Renders the README's example thumbnail: a demo item for a user into hiking, at the Home
 * query's 640×360. Run with `node services/generation/dist/scripts/render-example-thumbnail.js`.
 */
const out = new URL('../../docs/example-thumbnail.png', import.meta.url);

const facts = itemFactsFromPayload({
  itemId: 'outdoor-demo',
  title: 'Ridgeline Trail Running Shoes',
  description: 'Lightweight trail shoes with a grippy outsole.',
  category: 'outdoor',
  tags: ['running', 'trail', 'hiking'],
  price: 89.9,
  currency: 'EUR',
  inStock: true,
  attributes: { material: 'mesh', color: 'blue' },
  createdAt: 0,
  updatedAt: 0,
});
const hiker: InterestSummary = {
  categories: [{ name: 'outdoor', weight: 0.5 }],
  tags: [{ name: 'hiking', weight: 0.4 }],
  recentlyLiked: [],
};

const { svg, altText } = composeThumbnail({ facts, interests: hiker, width: 640, height: 360 });
const png = await createResvgRenderer().render(svg);
mkdirSync(new URL('.', out), { recursive: true });
writeFileSync(out, png);
process.stdout.write(`${fileURLToPath(out)}\n${altText}\n`);
