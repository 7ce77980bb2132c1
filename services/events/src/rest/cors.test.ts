import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { corsHeaders } from './cors.js';

const allowed = ['https://shop.example.com'];

describe('corsHeaders', () => {
  describe('when the origin is allowed', () => {
    it('echoes it and, for a preflight, allows POST with a JSON content type', () => {
      const headers = corsHeaders('https://shop.example.com', allowed, true);
      assert.equal(headers['access-control-allow-origin'], 'https://shop.example.com');
      assert.equal(headers['access-control-allow-methods'], 'POST, OPTIONS');
      assert.match(headers['access-control-allow-headers'] ?? '', /Content-Type/);
      assert.equal(headers.vary, 'Origin');
    });

    it('allows any origin when the list holds *', () => {
      const headers = corsHeaders('http://localhost:5173', ['*'], false);
      assert.equal(headers['access-control-allow-origin'], 'http://localhost:5173');
    });
  });

  describe('when the origin is not allowed', () => {
    it('gives no allow headers', () => {
      for (const origin of ['https://evil.example.com', undefined]) {
        assert.deepEqual(corsHeaders(origin, allowed, true), { vary: 'Origin' });
      }
    });

    it('allows nothing with the default empty list', () => {
      assert.deepEqual(corsHeaders('https://shop.example.com', [], false), { vary: 'Origin' });
    });
  });
});
