import { TailorError, type Viewer, VIEWER_ID_MAX_LENGTH } from '@tailor/kit';
import {
  createRemoteJWKSet,
  errors,
  type JWSAlgorithm,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';

/** What a shared secret signs with. */
export const SECRET_ALGORITHMS: readonly JWSAlgorithm[] = ['HS256'];
/** What keys published at a JWKS URL sign with. */
export const JWKS_ALGORITHMS: readonly JWSAlgorithm[] = ['RS256', 'ES256'];
/** The roles a token may claim; a token without the role claim is a user's. */
export const TOKEN_ROLES = ['user', 'service'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Options of {@link createTokenVerifier}. Exactly one of `secret` and `jwksUrl`. */
export interface TokenVerifierOptions {
  /** HS256 shared secret (`AUTH_JWT_SECRET`). */
  secret?: string | undefined;
  /** Where the identity provider publishes its RS256/ES256 public keys (`AUTH_JWKS_URL`). */
  jwksUrl?: string | undefined;
  /** Required `iss`, when set. */
  issuer?: string | undefined;
  /** Required `aud` (one of the token's audiences), when set. */
  audience?: string | undefined;
  /** The claim naming the role, `role` by default; see {@link TOKEN_ROLES}. */
  roleClaim: string;
  /** Slack allowed on `exp`, `nbf` and `iat` for clocks that drift. */
  clockToleranceSeconds: number;
}

/** The token is missing, malformed, expired, badly signed or says the wrong thing: 401. */
export class TokenRejectedError extends TailorError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/** The keys to check the token against could not be fetched: 503, the client may retry. */
export class KeysUnavailableError extends TailorError {
  constructor(cause: unknown) {
    super('the keys that verify tokens cannot be fetched right now', { retriable: true, cause });
  }
}

/** Verifies a compact JWT and tells who it speaks for. */
export type TokenVerifier = (token: string) => Promise<Viewer>;

/** Why jose refused a token, in words a client developer can act on. */
function rejection(err: unknown): TailorError {
  if (err instanceof errors.JWTExpired) return new TokenRejectedError('the token has expired', err);
  if (err instanceof errors.JWTClaimValidationFailed) {
    const reasons: Record<string, string> = {
      aud: 'the token is not meant for this audience',
      iss: 'the token comes from an issuer this gateway does not accept',
      nbf: 'the token is not valid yet',
    };
    const message =
      err.reason === 'missing'
        ? `the token has no "${err.claim}" claim`
        : (reasons[err.claim] ?? `the token's "${err.claim}" claim is invalid`);
    return new TokenRejectedError(message, err);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new TokenRejectedError('the token signature is invalid', err);
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return new TokenRejectedError(
      'the token is signed with an algorithm this gateway refuses',
      err,
    );
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return new TokenRejectedError('no single known key matches the token', err);
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return new TokenRejectedError('the token is not a well-formed signed JWT', err);
  }
  // Left: the key set timed out, answered non-200 or garbage, or the network failed.
  return new KeysUnavailableError(err);
}

function roleOf(payload: JWTPayload, claim: string): TokenRole {
  const value = payload[claim];
  if (value === undefined) return 'user';
  const roles = Array.isArray(value) ? value : [value];
  if (roles.includes('service')) return 'service';
  if (roles.includes('user')) return 'user';
  throw new TokenRejectedError(
    `the token's "${claim}" claim must be "user" or "service" (or a list holding one)`,
  );
}

function subjectOf(payload: JWTPayload): string {
  const { sub } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > VIEWER_ID_MAX_LENGTH) {
    throw new TokenRejectedError(
      `the token's "sub" claim must be an id of 1 to ${VIEWER_ID_MAX_LENGTH} characters`,
    );
  }
  return sub;
}

/**
 * A verifier over one key source: an HS256 secret, or the RS256/ES256 keys of a JWKS URL
 * (fetched on first use, cached, refetched when a token names an unknown key id). Only the
 * algorithms of that source are accepted, so a token cannot pick a weaker one. `sub` and `exp`
 * are required.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { secret, jwksUrl } = options;
  if ((secret === undefined) === (jwksUrl === undefined)) {
    throw new Error('createTokenVerifier needs exactly one of secret and jwksUrl');
  }
  const verifyOptions = {
    algorithms: [...(secret === undefined ? JWKS_ALGORITHMS : SECRET_ALGORITHMS)],
    requiredClaims: ['sub', 'exp'],
    clockTolerance: options.clockToleranceSeconds,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };
  const secretKey = secret === undefined ? undefined : new TextEncoder().encode(secret);
  const keySet: JWTVerifyGetKey | undefined =
    jwksUrl === undefined ? undefined : createRemoteJWKSet(new URL(jwksUrl));

  return async (token) => {
    let payload: JWTPayload;
    try {
      payload =
        secretKey === undefined
          ? (await jwtVerify(token, keySet as JWTVerifyGetKey, verifyOptions)).payload
          : (await jwtVerify(token, secretKey, verifyOptions)).payload;
    } catch (err) {
      throw rejection(err);
    }
    const id = subjectOf(payload);
    return roleOf(payload, options.roleClaim) === 'service'
      ? { kind: 'service', serviceId: id }
      : { kind: 'user', userId: id };
  };
}
