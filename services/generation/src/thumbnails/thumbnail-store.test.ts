import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { silentLogger } from '@tailor/kit';

import { itemFactsFromPayload } from '../domain/facts.js';
import { composeThumbnail } from '../domain/thumbnail.js';
import { HIKER, SHOES } from '../testing/fixtures.js';
import { pngSize } from '../testing/png.js';
import { localImageDataUri } from './local-image.js';
import { createResvgRenderer, interFontFiles, type ThumbnailRenderer } from './renderer.js';
import { ThumbnailStore } from './thumbnail-store.js';

const shoes = itemFactsFromPayload(SHOES);

/** The real renderer, counting its renders. */
function countingRenderer(): ThumbnailRenderer & { renders: number } {
  const real = createResvgRenderer();
  const counting = {
    renders: 0,
    render: async (svg: string) => {
      counting.renders += 1;
      return real.render(svg);
    },
  };
  return counting;
}

describe('ThumbnailStore', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tailor-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when a composed thumbnail is fetched', () => {
    it('renders a PNG of exactly the asked size, once, and keeps it on disk', async () => {
      const renderer = countingRenderer();
      const store = new ThumbnailStore({
        dir,
        maxMemoryBytes: 10_000_000,
        maxDiskBytes: 1_073_741_824,
        renderer,
        logger: silentLogger(),
      });
      const { svg } = composeThumbnail({ facts: shoes, interests: HIKER, width: 640, height: 360 });
      const hash = await store.remember(svg);
      assert.match(hash, /^[0-9a-f]{64}$/);
      const [a, b] = await Promise.all([store.png(hash), store.png(hash)]);
      assert.deepEqual(pngSize(a ?? Buffer.alloc(0)), { width: 640, height: 360 });
      assert.equal(a, b);
      assert.equal(renderer.renders, 1);
      assert.equal(existsSync(join(dir, `${hash}.png`)), true);

      const restarted = new ThumbnailStore({
        dir,
        maxMemoryBytes: 0,
        maxDiskBytes: 1_073_741_824,
        renderer,
        logger: silentLogger(),
      });
      assert.deepEqual(await restarted.png(hash), a);
      assert.equal(renderer.renders, 1);
    });

    it('renders odd sizes at both bounds exactly', async () => {
      const store = new ThumbnailStore({
        dir,
        maxMemoryBytes: 0,
        maxDiskBytes: 1_073_741_824,
        renderer: createResvgRenderer(),
        logger: silentLogger(),
      });
      for (const [width, height] of [
        [64, 64],
        [2048, 97],
        [333, 1001],
      ] as const) {
        const hash = await store.remember(
          composeThumbnail({ facts: shoes, interests: HIKER, width, height }).svg,
        );
        assert.deepEqual(pngSize((await store.png(hash)) ?? Buffer.alloc(0)), { width, height });
      }
    });
  });

  describe('when more sizes are minted than the disk bound holds', () => {
    it('deletes the oldest files, and an evicted thumbnail is drawn again on its next fetch', async () => {
      const bounded = mkdtempSync(join(tmpdir(), 'tailor-'));
      try {
        const renderer = countingRenderer();
        const maxDiskBytes = 40_000;
        const store = new ThumbnailStore({
          dir: bounded,
          maxMemoryBytes: 0,
          maxDiskBytes,
          renderer,
          logger: silentLogger(),
        });
        const sizes = [320, 330, 340, 350, 360, 370, 380, 390];
        const hashes: string[] = [];
        for (const width of sizes) {
          const { svg } = composeThumbnail({ facts: shoes, interests: HIKER, width, height: 180 });
          const hash = await store.remember(svg);
          hashes.push(hash);
          assert.ok((await store.png(hash)) !== undefined);
        }
        const files = readdirSync(bounded);
        const bytes = files.reduce((sum, name) => sum + statSync(join(bounded, name)).size, 0);
        assert.ok(bytes <= maxDiskBytes, `${bytes} bytes on disk`);
        assert.ok(!files.includes(`${hashes[0]}.png`), 'the oldest thumbnail was evicted');
        const renders = renderer.renders;
        const [first] = hashes;
        const { svg } = composeThumbnail({
          facts: shoes,
          interests: HIKER,
          width: 320,
          height: 180,
        });
        assert.equal(await store.remember(svg), first);
        assert.ok((await store.png(first!)) !== undefined);
        assert.equal(renderer.renders, renders + 1);
      } finally {
        rmSync(bounded, { recursive: true, force: true });
      }
    });
  });

  describe('when the hash is unknown or malformed', () => {
    it('has nothing', async () => {
      const store = new ThumbnailStore({
        dir,
        maxMemoryBytes: 0,
        maxDiskBytes: 1_073_741_824,
        renderer: createResvgRenderer(),
        logger: silentLogger(),
      });
      assert.equal(await store.png('0'.repeat(64)), undefined);
      assert.equal(await store.png('../../etc/passwd'), undefined);
    });
  });
});

describe('interFontFiles', () => {
  it('finds the shipped Inter files', () => {
    const files = interFontFiles();
    assert.equal(files.length, 2);
    assert.ok(files.every((file) => existsSync(file) && file.endsWith('.ttf')));
  });
});

describe('localImageDataUri', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tailor-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('when the picture is a PNG inside the image directory', () => {
    it('gives it as a data URI', async () => {
      const png = await createResvgRenderer().render(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="red"/></svg>',
      );
      writeFileSync(join(dir, 'red.png'), png);
      assert.equal(
        await localImageDataUri('red.png', dir),
        `data:image/png;base64,${png.toString('base64')}`,
      );
    });
  });

  describe('when the picture is remote, outside the directory or not an image', () => {
    it('gives nothing', async () => {
      writeFileSync(join(dir, 'notes.txt'), 'hello');
      assert.equal(await localImageDataUri('https://example.com/a.png', dir), undefined);
      assert.equal(await localImageDataUri('../../etc/passwd', dir), undefined);
      assert.equal(await localImageDataUri('notes.txt', dir), undefined);
      assert.equal(await localImageDataUri('red.png', undefined), undefined);
    });
  });
});
