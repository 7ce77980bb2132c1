import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { baseEnvShape, ConfigError, loadConfig, silentLogger, TRUSTED } from '@tailor/kit';
import { SignJWT } from 'jose';
import { z } from 'zod';

import { createGatewayAuth } from './authenticate.js';
import { gatewayAuthShape, refineGatewayAuthEnv } from './config.js';
import { TokenRejectedError } from './token.js';

const SECRET = 'test-secret-with-at-least-thirty-two-chars';
const GATEWAY_SECRET = 'gateway-secret-with-at-least-thirty-two-c';

const schema = z.object({ ...baseEnvShape, ...gatewayAuthShape }).superRefine(refineGatewayAuthEnv);

function configOf(env: Record<string, string>) {
  return loadConfig(schema, env);
}

function problemsOf(env: Record<string, string>): string[] {
  try {
    configOf(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => i.variable);
  }
  return [];
}

describe('gateway auth config', () => {
  describe('when nothing is set', () => {
    it('defaults to jwt and names the secrets it needs', () => {
      assert.deepEqual(problemsOf({}).sort(), ['AUTH_JWT_SECRET', 'GATEWAY_SHARED_SECRET']);
    });
  });

  describe('when both key sources are set', () => {
    it('names AUTH_JWKS_URL', () => {
      const env = {
        AUTH_JWT_SECRET: SECRET,
        AUTH_JWKS_URL: 'https://id.example/jwks.json',
        GATEWAY_SHARED_SECRET: GATEWAY_SECRET,
      };
      assert.deepEqual(problemsOf(env), ['AUTH_JWKS_URL']);
    });
  });

  describe('when a secret is too short', () => {
    it('names the variable', () => {
      const env = { AUTH_JWT_SECRET: 'short', GATEWAY_SHARED_SECRET: 'short' };
      assert.deepEqual(problemsOf(env).sort(), ['AUTH_JWT_SECRET', 'GATEWAY_SHARED_SECRET']);
    });
  });

  describe('when AUTH_MODE=off', () => {
    it('needs nothing else', () => {
      assert.deepEqual(problemsOf({ AUTH_MODE: 'off' }), []);
    });
  });

  describe('when a config skipped the schema refinement', () => {
    it('still refuses to start', () => {
      const unrefined = loadConfig(z.object({ ...baseEnvShape, ...gatewayAuthShape }), {});
      assert.throws(() => createGatewayAuth(unrefined, silentLogger()), ConfigError);
    });
  });
});

describe('createGatewayAuth', () => {
  describe('when AUTH_MODE=jwt', () => {
    const auth = createGatewayAuth(
      configOf({ AUTH_JWT_SECRET: SECRET, GATEWAY_SHARED_SECRET: GATEWAY_SECRET }),
      silentLogger(),
    );

    async function bearer(sub: string): Promise<string> {
      const token = await new SignJWT({ sub })
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(SECRET));
      return `Bearer ${token}`;
    }

    it('reads the viewer of a valid bearer token', async () => {
      assert.deepEqual(await auth.viewerOf(await bearer('alice')), {
        kind: 'user',
        userId: 'alice',
      });
    });

    it('accepts the scheme in any case', async () => {
      const header = (await bearer('alice')).replace('Bearer', 'bearer');
      assert.deepEqual(await auth.viewerOf(header), { kind: 'user', userId: 'alice' });
    });

    it('refuses a request without an Authorization header', async () => {
      await assert.rejects(auth.viewerOf(undefined), (err: unknown) => {
        assert.ok(err instanceof TokenRejectedError);
        assert.match(err.message, /Authorization: Bearer/);
        return true;
      });
    });

    it('refuses another scheme', async () => {
      await assert.rejects(auth.viewerOf('Basic YWxpY2U6c2VjcmV0'), TokenRejectedError);
    });
  });

  describe('when AUTH_MODE=off', () => {
    it('trusts every request, token or not', async () => {
      const auth = createGatewayAuth(configOf({ AUTH_MODE: 'off' }), silentLogger());
      assert.equal(auth.mode, 'off');
      assert.deepEqual(await auth.viewerOf(undefined), TRUSTED);
      assert.deepEqual(await auth.viewerOf('Bearer garbage'), TRUSTED);
    });
  });
});
