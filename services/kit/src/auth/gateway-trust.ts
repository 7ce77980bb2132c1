import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import type { RequestHandler } from 'express';

import { GATEWAY_SECRET_HEADER, TRUSTED, type Viewer, viewerFromHeaders } from './viewer.js';

/** Shortest accepted `GATEWAY_SHARED_SECRET`: 256 bits as hex, what `openssl rand -hex 32` prints. */
export const GATEWAY_SECRET_MIN_LENGTH = 32;

/** The part of a service's config that decides whom its subgraph trusts. */
export interface GatewayTrustConfig {
  /** Unset: every caller is trusted (embedded mesh). Set: only callers that send it. */
  readonly GATEWAY_SHARED_SECRET?: string | undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * True when the request carries exactly `secret` in {@link GATEWAY_SECRET_HEADER}. Compares
 * digests in constant time, so neither the secret's length nor its prefix leaks through timing.
 */
export function carriesGatewaySecret(req: IncomingMessage, secret: string): boolean {
  const given = req.headers[GATEWAY_SECRET_HEADER];
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(given), digest(secret));
}

/**
 * Refuses, with 401 and a plain JSON error, every request that does not carry the gateway
 * secret. Mount it in front of anything only the gateway (or a holder of the secret) may call.
 */
export function requireGatewaySecret(secret: string): RequestHandler {
  return (req, res, next) => {
    if (carriesGatewaySecret(req, secret)) {
      next();
      return;
    }
    res.status(401).json({
      error: {
        code: 'UNAUTHENTICATED',
        message: `Only the gateway may call this service: missing or wrong ${GATEWAY_SECRET_HEADER} header.`,
      },
    });
  };
}

/**
 * The viewer of a request that got past {@link requireGatewaySecret}: what the gateway said
 * when a secret is configured, {@link TRUSTED} when none is (auth off).
 */
export function viewerOfRequest(req: IncomingMessage, secret: string | undefined): Viewer {
  return secret === undefined ? TRUSTED : viewerFromHeaders(req.headers);
}
