import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWTPayload,
  SignJWT,
  UnsecuredJWT,
} from 'jose';

import {
  createTokenVerifier,
  KeysUnavailableError,
  TokenRejectedError,
  type TokenVerifier,
} from './token.js';

const SECRET = 'test-secret-with-at-least-thirty-two-chars';
const OTHER_SECRET = 'another-secret-with-at-least-thirty-two-ch';
const NOW_S = () => Math.floor(Date.now() / 1000);

async function hs256(
  claims: JWTPayload,
  options: { secret?: string; expiresInSeconds?: number | null } = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  const expiresIn = options.expiresInSeconds === undefined ? 300 : options.expiresInSeconds;
  if (expiresIn !== null) jwt.setExpirationTime(NOW_S() + expiresIn);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

async function rejectionOf(verify: TokenVerifier, token: string): Promise<string> {
  try {
    await verify(token);
  } catch (err) {
    assert.ok(err instanceof TokenRejectedError, `expected a rejection, got ${String(err)}`);
    return err.message;
  }
  assert.fail('the token was accepted');
}

describe('createTokenVerifier', () => {
  describe('when tokens are signed with the HS256 secret', () => {
    const verify = createTokenVerifier({
      secret: SECRET,
      issuer: 'https://id.example',
      audience: 'tailor',
      roleClaim: 'role',
      clockToleranceSeconds: 30,
    });
    const base = { iss: 'https://id.example', aud: 'tailor' };

    it('reads a token without a role as the user named by sub', async () => {
      const viewer = await verify(await hs256({ ...base, sub: 'alice' }));
      assert.deepEqual(viewer, { kind: 'user', userId: 'alice' });
    });

    it('reads role "service" as a service named by sub', async () => {
      const viewer = await verify(await hs256({ ...base, sub: 'importer', role: 'service' }));
      assert.deepEqual(viewer, { kind: 'service', serviceId: 'importer' });
    });

    it('reads a role list holding "service" as a service', async () => {
      const token = await hs256({ ...base, sub: 'importer', role: ['reader', 'service'] });
      assert.deepEqual(await verify(token), { kind: 'service', serviceId: 'importer' });
    });

    it('refuses a role it does not know', async () => {
      const token = await hs256({ ...base, sub: 'alice', role: 'admin' });
      assert.match(await rejectionOf(verify, token), /"role" claim must be/);
    });

    it('refuses an expired token', async () => {
      const token = await hs256({ ...base, sub: 'alice' }, { expiresInSeconds: -120 });
      assert.match(await rejectionOf(verify, token), /expired/);
    });

    it('accepts a token that expired within the clock tolerance', async () => {
      const token = await hs256({ ...base, sub: 'alice' }, { expiresInSeconds: -5 });
      assert.deepEqual(await verify(token), { kind: 'user', userId: 'alice' });
    });

    it('refuses a token signed with another secret', async () => {
      const token = await hs256({ ...base, sub: 'alice' }, { secret: OTHER_SECRET });
      assert.match(await rejectionOf(verify, token), /signature is invalid/);
    });

    it('refuses a token whose claims were changed after signing', async () => {
      const [header, , signature] = (await hs256({ ...base, sub: 'alice' })).split('.');
      const forged = Buffer.from(
        JSON.stringify({ ...base, sub: 'bob', exp: NOW_S() + 300 }),
      ).toString('base64url');
      assert.match(
        await rejectionOf(verify, `${header}.${forged}.${signature}`),
        /signature is invalid/,
      );
    });

    it('refuses a token for another audience', async () => {
      const token = await hs256({ ...base, aud: 'someone-else', sub: 'alice' });
      assert.match(await rejectionOf(verify, token), /audience/);
    });

    it('refuses a token from another issuer', async () => {
      const token = await hs256({ ...base, iss: 'https://evil.example', sub: 'alice' });
      assert.match(await rejectionOf(verify, token), /issuer/);
    });

    it('refuses a token that never expires', async () => {
      const token = await hs256({ ...base, sub: 'alice' }, { expiresInSeconds: null });
      assert.match(await rejectionOf(verify, token), /no "exp" claim/);
    });

    it('refuses a token without a subject', async () => {
      assert.match(await rejectionOf(verify, await hs256(base)), /no "sub" claim/);
    });

    it('refuses an unsigned token (alg none)', async () => {
      const token = new UnsecuredJWT({ ...base, sub: 'alice' }).setExpirationTime('5m').encode();
      assert.match(await rejectionOf(verify, token), /algorithm this gateway refuses/);
    });

    it('refuses something that is not a JWT', async () => {
      assert.match(await rejectionOf(verify, 'not-a-token'), /well-formed/);
    });
  });

  describe('when keys come from a JWKS URL', () => {
    let server: Server;
    let jwksUrl: string;
    let verify: TokenVerifier;
    let privateKey: CryptoKey;

    before(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      verify = createTokenVerifier({ jwksUrl, roleClaim: 'role', clockToleranceSeconds: 0 });
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    async function es256(key: CryptoKey, kid = 'k1'): Promise<string> {
      return new SignJWT({ sub: 'alice' })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setExpirationTime('5m')
        .sign(key);
    }

    it('accepts a token signed by a published key', async () => {
      assert.deepEqual(await verify(await es256(privateKey)), { kind: 'user', userId: 'alice' });
    });

    it('refuses a token signed by a key it does not publish', async () => {
      const stranger = await generateKeyPair('ES256');
      assert.match(await rejectionOf(verify, await es256(stranger.privateKey)), /signature/);
    });

    it('refuses an HS256 token, so a public key can never serve as a secret', async () => {
      assert.match(await rejectionOf(verify, await hs256({ sub: 'alice' })), /algorithm/);
    });

    it('says the keys are unavailable when the JWKS URL does not answer', async () => {
      const down = createServer();
      await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(down.address() as AddressInfo).port}/jwks.json`;
      await new Promise<void>((resolve) => down.close(() => resolve()));
      const unreachable = createTokenVerifier({
        jwksUrl: url,
        roleClaim: 'role',
        clockToleranceSeconds: 0,
      });
      await assert.rejects(unreachable(await es256(privateKey)), KeysUnavailableError);
    });
  });

  describe('when given no key source or two', () => {
    it('throws at once', () => {
      assert.throws(() => createTokenVerifier({ roleClaim: 'role', clockToleranceSeconds: 0 }));
      assert.throws(() =>
        createTokenVerifier({
          secret: SECRET,
          jwksUrl: 'http://127.0.0.1:1/jwks.json',
          roleClaim: 'role',
          clockToleranceSeconds: 0,
        }),
      );
    });
  });
});
