import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { listen, type ListeningServer, silentLogger } from '@tailor/kit';
import express from 'express';

import { thumbnailProxy } from './thumbnail-proxy.js';

const HASH = 'ab'.repeat(32);

describe('thumbnailProxy', () => {
  let upstream: Server;
  let proxy: ListeningServer;
  let seen: { url: string; ifNoneMatch: string | undefined }[];

  before(async () => {
    seen = [];
    upstream = createServer((req, res) => {
      seen.push({ url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
      if (req.headers['if-none-match'] === `"${HASH}"`) {
        res.writeHead(304).end();
        return;
      }
      const found = req.url?.startsWith(`/thumbnails/${HASH}.png`) === true;
      res.writeHead(found ? 200 : 404, {
        'content-type': found ? 'image/png' : 'application/json',
        'cache-control': 'public, max-age=31536000, immutable',
        etag: `"${HASH}"`,
        'set-cookie': 'leak=1',
      });
      res.end(found ? Buffer.from([0x89, 0x50, 0x4e, 0x47]) : '{}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as AddressInfo;
    const app = express();
    app.use(thumbnailProxy(`http://127.0.0.1:${port}`, silentLogger()));
    proxy = await listen(app, '127.0.0.1', 0);
  });
  after(async () => {
    await proxy.close();
    upstream.close();
  });

  const at = (path: string) => `http://127.0.0.1:${proxy.port}${path}`;

  describe('when the generation service has the thumbnail', () => {
    it('passes the PNG, its caching headers and the recipe query through, nothing else', async () => {
      const res = await fetch(at(`/thumbnails/${HASH}.png?item=a-1&w=640&h=360&t=For+you`));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.match(res.headers.get('cache-control') ?? '', /immutable/);
      assert.equal(res.headers.get('set-cookie'), null);
      assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], [0x89, 0x50, 0x4e, 0x47]);
      assert.equal(seen.at(-1)?.url, `/thumbnails/${HASH}.png?item=a-1&w=640&h=360&t=For+you`);
    });

    it('answers 304 to a client that has it already', async () => {
      const res = await fetch(at(`/thumbnails/${HASH}.png`), {
        headers: { 'if-none-match': `"${HASH}"` },
      });
      assert.equal(res.status, 304);
    });
  });

  describe('when the generation service does not have it', () => {
    it('answers its 404', async () => {
      assert.equal((await fetch(at(`/thumbnails/${'cd'.repeat(32)}.png`))).status, 404);
    });
  });

  describe('when the generation service does not answer', () => {
    it('answers 502 with a code', async () => {
      const app = express();
      app.use(thumbnailProxy('http://127.0.0.1:1', silentLogger()));
      const dead = await listen(app, '127.0.0.1', 0);
      try {
        const res = await fetch(`http://127.0.0.1:${dead.port}/thumbnails/${HASH}.png`);
        assert.equal(res.status, 502);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'BAD_GATEWAY');
      } finally {
        await dead.close();
      }
    });
  });
});
