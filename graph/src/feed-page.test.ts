import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { listen, type ListeningServer } from '@tailor/kit';
import express from 'express';

import { feedPage } from './feed-page.js';

async function serve(dir: string): Promise<{ base: string; server: ListeningServer }> {
  const app = express();
  app.use(feedPage({ dir }));
  const server = await listen(app, '127.0.0.1', 0);
  return { base: `http://127.0.0.1:${server.port}`, server };
}

describe('feedPage', () => {
  describe('when the page is built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailor-'));
    let running: { base: string; server: ListeningServer };
    before(async () => {
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>feed</title>');
      running = await serve(dir);
    });
    after(async () => {
      await running.server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('redirects / to the page', async () => {
      const response = await fetch(`${running.base}/`, { redirect: 'manual' });
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), '/feed/');
    });

    it('serves the page with a policy that allows scripts and requests to this origin only', async () => {
      const response = await fetch(`${running.base}/feed/`);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /<title>feed<\/title>/);
      const policy = response.headers.get('content-security-policy') ?? '';
      assert.match(policy, /script-src 'self'/);
      assert.match(policy, /connect-src 'self'/);
    });
  });

  describe('when the page is not built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailor-'));
    let running: { base: string; server: ListeningServer };
    before(async () => {
      running = await serve(dir);
    });
    after(async () => {
      await running.server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers 503 saying how to build it', async () => {
      const response = await fetch(`${running.base}/feed/`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build/);
    });
  });
});
