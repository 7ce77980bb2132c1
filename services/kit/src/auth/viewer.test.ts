import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ClientError } from '../errors.js';
import {
  ANONYMOUS,
  authorizeService,
  authorizeUser,
  mayActFor,
  TRUSTED,
  type Viewer,
  VIEWER_ID_HEADER,
  VIEWER_ID_MAX_LENGTH,
  VIEWER_KIND_HEADER,
  viewerFromHeaders,
  viewerHeaders,
} from './viewer.js';

const alice: Viewer = { kind: 'user', userId: 'alice' };
const importer: Viewer = { kind: 'service', serviceId: 'importer' };

function codeOf(run: () => void): string | undefined {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ClientError, `expected a ClientError, got ${String(err)}`);
    return err.extensions.code as string;
  }
  return undefined;
}

describe('viewer headers', () => {
  describe('when a viewer is written and read back', () => {
    it('gives the same viewer for every kind', () => {
      for (const viewer of [alice, importer, ANONYMOUS, TRUSTED]) {
        assert.deepEqual(viewerFromHeaders(viewerHeaders(viewer)), viewer);
      }
    });

    it('keeps ids with spaces, slashes and non-ASCII characters', () => {
      const viewer: Viewer = { kind: 'user', userId: 'zoë / ünïcode 用户' };
      const headers = viewerHeaders(viewer);
      assert.match(headers[VIEWER_ID_HEADER] ?? '', /^[\x21-\x7e]+$/);
      assert.deepEqual(viewerFromHeaders(headers), viewer);
    });
  });

  describe('when the headers are missing or malformed', () => {
    it('reads no headers as anonymous', () => {
      assert.deepEqual(viewerFromHeaders({}), ANONYMOUS);
    });

    it('reads an unknown kind as anonymous', () => {
      assert.deepEqual(viewerFromHeaders({ [VIEWER_KIND_HEADER]: 'admin' }), ANONYMOUS);
    });

    it('reads a user without an id as anonymous', () => {
      assert.deepEqual(viewerFromHeaders({ [VIEWER_KIND_HEADER]: 'user' }), ANONYMOUS);
    });

    it('reads a badly encoded or too long id as anonymous', () => {
      for (const id of ['%E0%A4%A', 'x'.repeat(VIEWER_ID_MAX_LENGTH + 1), '']) {
        const headers = { [VIEWER_KIND_HEADER]: 'user', [VIEWER_ID_HEADER]: id };
        assert.deepEqual(viewerFromHeaders(headers), ANONYMOUS, id);
      }
    });

    it('reads a repeated header as anonymous rather than picking one', () => {
      const headers = { [VIEWER_KIND_HEADER]: 'user', [VIEWER_ID_HEADER]: ['alice', 'bob'] };
      assert.deepEqual(viewerFromHeaders(headers), ANONYMOUS);
    });
  });
});

describe('authorizeUser', () => {
  describe('when a user acts on itself', () => {
    it('lets it through', () => {
      assert.equal(
        codeOf(() => authorizeUser(alice, 'alice', 'read the profile')),
        undefined,
      );
    });
  });

  describe('when a user acts on another user', () => {
    it('refuses with FORBIDDEN naming the other user', () => {
      assert.throws(() => authorizeUser(alice, 'bob', 'read the profile'), /"bob"/);
      assert.equal(
        codeOf(() => authorizeUser(alice, 'bob', 'read the profile')),
        'FORBIDDEN',
      );
    });

    it('compares ids exactly, case included', () => {
      assert.equal(
        codeOf(() => authorizeUser(alice, 'Alice', 'read the profile')),
        'FORBIDDEN',
      );
    });
  });

  describe('when a service or a trusted caller acts on any user', () => {
    it('lets them through', () => {
      assert.equal(
        codeOf(() => authorizeUser(importer, 'bob', 'forget')),
        undefined,
      );
      assert.equal(
        codeOf(() => authorizeUser(TRUSTED, 'bob', 'forget')),
        undefined,
      );
    });
  });

  describe('when the caller is anonymous', () => {
    it('refuses with UNAUTHENTICATED', () => {
      assert.equal(
        codeOf(() => authorizeUser(ANONYMOUS, 'bob', 'forget')),
        'UNAUTHENTICATED',
      );
    });
  });
});

describe('authorizeService', () => {
  describe('when a user calls a service-only operation', () => {
    it('refuses with FORBIDDEN', () => {
      assert.equal(
        codeOf(() => authorizeService(alice, 'upsert items')),
        'FORBIDDEN',
      );
    });
  });

  describe('when a service or a trusted caller calls it', () => {
    it('lets them through', () => {
      assert.equal(
        codeOf(() => authorizeService(importer, 'upsert items')),
        undefined,
      );
      assert.equal(
        codeOf(() => authorizeService(TRUSTED, 'upsert items')),
        undefined,
      );
    });
  });

  describe('when the caller is anonymous', () => {
    it('refuses with UNAUTHENTICATED', () => {
      assert.equal(
        codeOf(() => authorizeService(ANONYMOUS, 'upsert items')),
        'UNAUTHENTICATED',
      );
    });
  });
});

describe('mayActFor', () => {
  describe('when asked per user', () => {
    it('allows a user only itself and a service everyone', () => {
      assert.equal(mayActFor(alice, 'alice'), true);
      assert.equal(mayActFor(alice, 'bob'), false);
      assert.equal(mayActFor(importer, 'bob'), true);
      assert.equal(mayActFor(ANONYMOUS, 'bob'), false);
      assert.equal(mayActFor(TRUSTED, 'bob'), true);
    });
  });
});
