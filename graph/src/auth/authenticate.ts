import { currentRequestId, type Logger, TRUSTED, type Viewer } from '@tailor/kit';
import type { RequestHandler, Response } from 'express';

import { assertGatewayAuthConfig, type AuthMode, type GatewayAuthConfig } from './config.js';
import { createTokenVerifier, KeysUnavailableError, TokenRejectedError } from './token.js';

const BEARER = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i;

/** How the gateway tells who is calling. */
export interface GatewayAuth {
  mode: AuthMode;
  /**
   * The viewer of a request with this `Authorization` header. Throws
   * {@link TokenRejectedError} or {@link KeysUnavailableError} in `jwt` mode.
   */
  viewerOf(authorization: string | undefined): Promise<Viewer>;
  /** Express middleware: puts the viewer in `res.locals`, or answers 401/503 GraphQL-shaped. */
  middleware: RequestHandler;
}

/** The viewer {@link GatewayAuth.middleware} established for this response's request. */
export function viewerOfResponse(res: Response): Viewer {
  const viewer = (res.locals as { viewer?: Viewer }).viewer;
  // The middleware runs before every GraphQL request; reaching here without it is a wiring bug.
  if (viewer === undefined) throw new Error('no viewer: the auth middleware did not run');
  return viewer;
}

function sendGraphQLError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/**
 * The gateway's authentication for the configured mode. In `jwt` mode every request needs
 * `Authorization: Bearer <jwt>`; in `off` mode every request is {@link TRUSTED}, which this
 * logs as a warning once.
 */
export function createGatewayAuth(config: GatewayAuthConfig, logger: Logger): GatewayAuth {
  const log = logger.child({ component: 'auth' });
  assertGatewayAuthConfig(config);
  if (config.AUTH_MODE === 'off') {
    log.warn(
      { authMode: 'off' },
      'AUTH_MODE=off: no token is checked and every caller may read and change every user; ' +
        'use it only on a machine nobody else can reach, and AUTH_MODE=jwt anywhere else',
    );
    return {
      mode: 'off',
      viewerOf: async () => TRUSTED,
      middleware: (_req, res, next) => {
        res.locals.viewer = TRUSTED;
        next();
      },
    };
  }

  const verify = createTokenVerifier({
    secret: config.AUTH_JWT_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    roleClaim: config.AUTH_ROLE_CLAIM,
    clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_SECONDS,
  });
  log.info(
    {
      authMode: 'jwt',
      keys: config.AUTH_JWT_SECRET === undefined ? 'jwks' : 'secret',
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    },
    'bearer tokens required',
  );
  const viewerOf = async (authorization: string | undefined): Promise<Viewer> => {
    if (authorization === undefined || authorization.trim() === '') {
      throw new TokenRejectedError('an Authorization: Bearer <token> header is required');
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) {
      throw new TokenRejectedError('the Authorization header must read "Bearer <token>"');
    }
    return verify(token);
  };

  return {
    mode: 'jwt',
    viewerOf,
    middleware: async (req, res, next) => {
      let viewer: Viewer;
      try {
        viewer = await viewerOf(req.headers.authorization);
      } catch (err) {
        if (err instanceof TokenRejectedError) {
          log.info({ requestId: currentRequestId(req), reason: err.message }, 'token refused');
          // RFC 6750 §3.1: no error code when the request carried no credentials at all.
          const presented = req.headers.authorization !== undefined;
          res.setHeader(
            'www-authenticate',
            presented ? 'Bearer realm="tailor", error="invalid_token"' : 'Bearer realm="tailor"',
          );
          sendGraphQLError(res, 401, 'UNAUTHENTICATED', `Unauthenticated: ${err.message}.`);
        } else if (err instanceof KeysUnavailableError) {
          log.error({ requestId: currentRequestId(req), err }, 'token keys unavailable');
          sendGraphQLError(res, 503, 'SERVICE_UNAVAILABLE', `${err.message}; try again shortly.`);
        } else {
          next(err);
        }
        return;
      }
      res.locals.viewer = viewer;
      next();
    },
  };
}
