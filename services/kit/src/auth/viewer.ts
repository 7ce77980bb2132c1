import type { IncomingHttpHeaders } from 'node:http';

import { EVENT_LIMITS } from '../contract/user-event.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';

/**
 * Who a request acts for, as the gateway established it from a verified token.
 *
 * - `user`: a person's token; acts only on its own `userId`.
 * - `service`: a back-end token (importer, producer, admin job); acts on any user and may call
 *   the service-only mutations.
 * - `anonymous`: nothing trustworthy said who is calling; may only read public data.
 * - `trusted`: auth is off (`AUTH_MODE=off`, no `GATEWAY_SHARED_SECRET`), as in the embedded
 *   mesh on one machine; everything is allowed.
 */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string }
  | { kind: 'service'; serviceId: string }
  | { kind: 'trusted' };

export type ViewerKind = Viewer['kind'];

export const ANONYMOUS: Viewer = Object.freeze({ kind: 'anonymous' });
export const TRUSTED: Viewer = Object.freeze({ kind: 'trusted' });

/** The gateway's word on what kind of caller this is (`user`, `service`, `anonymous`, `trusted`). */
export const VIEWER_KIND_HEADER = 'x-tailor-viewer-kind';
/** The user or service id (the token's `sub`), URI-encoded so any id fits in a header. */
export const VIEWER_ID_HEADER = 'x-tailor-viewer-id';
/** Proves a request comes from the gateway: the value of `GATEWAY_SHARED_SECRET`. */
export const GATEWAY_SECRET_HEADER = 'x-tailor-gateway-secret';

/** A viewer id is a user id, so it obeys the same bound as the ids events carry. */
export const VIEWER_ID_MAX_LENGTH = EVENT_LIMITS.idMaxLength;

/** The headers that carry `viewer` from the gateway to a subgraph (the secret is added apart). */
export function viewerHeaders(viewer: Viewer): Record<string, string> {
  switch (viewer.kind) {
    case 'user':
      return {
        [VIEWER_KIND_HEADER]: 'user',
        [VIEWER_ID_HEADER]: encodeURIComponent(viewer.userId),
      };
    case 'service':
      return {
        [VIEWER_KIND_HEADER]: 'service',
        [VIEWER_ID_HEADER]: encodeURIComponent(viewer.serviceId),
      };
    default:
      return { [VIEWER_KIND_HEADER]: viewer.kind };
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

function decodedId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  return id.length > 0 && id.length <= VIEWER_ID_MAX_LENGTH ? id : undefined;
}

/**
 * Reads the viewer the gateway sent. Only call it for a request that carried the right
 * gateway secret: anyone else can write these headers. Anything missing or malformed gives
 * {@link ANONYMOUS}, the least a caller can be.
 */
export function viewerFromHeaders(headers: IncomingHttpHeaders): Viewer {
  const kind = single(headers[VIEWER_KIND_HEADER]);
  if (kind === 'trusted') return TRUSTED;
  if (kind === 'user' || kind === 'service') {
    const id = decodedId(single(headers[VIEWER_ID_HEADER]));
    if (id === undefined) return ANONYMOUS;
    return kind === 'user' ? { kind, userId: id } : { kind, serviceId: id };
  }
  return ANONYMOUS;
}

/** A short form for logs: `user:<id>`, `service:<id>`, `anonymous`, `trusted`. */
export function describeViewer(viewer: Viewer): string {
  if (viewer.kind === 'user') return `user:${viewer.userId}`;
  if (viewer.kind === 'service') return `service:${viewer.serviceId}`;
  return viewer.kind;
}

/** True when `viewer` may act on `userId`: the user itself, a service, or auth being off. */
export function mayActFor(viewer: Viewer, userId: string): boolean {
  switch (viewer.kind) {
    case 'trusted':
    case 'service':
      return true;
    case 'user':
      return viewer.userId === userId;
    default:
      return false;
  }
}

/** Throws UNAUTHENTICATED for an anonymous viewer; `action` completes "… needs a token to …". */
export function requireAuthenticated(viewer: Viewer, action: string): void {
  if (viewer.kind === 'anonymous') {
    throw new UnauthenticatedError(`A token is needed to ${action}.`);
  }
}

/**
 * Lets the user itself, a service or a trusted caller act on `userId`; anyone else gets
 * FORBIDDEN (UNAUTHENTICATED when anonymous). `action` reads "<action> of user …", e.g.
 * `read the recommendations`.
 */
export function authorizeUser(viewer: Viewer, userId: string, action: string): void {
  requireAuthenticated(viewer, action);
  if (mayActFor(viewer, userId)) return;
  throw new ForbiddenError(
    `Not allowed to ${action} of user ${JSON.stringify(userId)}: a user token acts only on its own user.`,
  );
}

/** Lets only a service or a trusted caller through; a user gets FORBIDDEN. */
export function authorizeService(viewer: Viewer, action: string): void {
  requireAuthenticated(viewer, action);
  if (viewer.kind === 'service' || viewer.kind === 'trusted') return;
  throw new ForbiddenError(`Not allowed to ${action}: it needs a service token.`);
}
