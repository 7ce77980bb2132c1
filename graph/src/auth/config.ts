import { ConfigError, env, type GatewayTrustConfig } from '@tailor/kit';
import { z } from 'zod';

/** `jwt`: every request needs a valid bearer token. `off`: everyone is trusted (one machine). */
export const AUTH_MODES = ['jwt', 'off'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** Shortest accepted HS256 secret: as many bytes as the hash, as RFC 7518 §3.2 asks. */
export const JWT_SECRET_MIN_LENGTH = 32;

/** `AUTH_MODE` with its default: `jwt` for the standalone gateway, `off` for the embedded mesh. */
export function authModeEnv(fallback: AuthMode) {
  return z.enum(AUTH_MODES, { error: 'expected jwt or off' }).default(fallback);
}

/**
 * The gateway's auth variables. Spread into a schema and apply {@link refineGatewayAuthEnv} to
 * the whole object (with the kit's `baseEnvShape`, which holds `GATEWAY_SHARED_SECRET`).
 */
export const gatewayAuthShape = {
  AUTH_MODE: authModeEnv('jwt'),
  /** HS256 secret tokens are signed with; set this or AUTH_JWKS_URL. */
  AUTH_JWT_SECRET: z
    .string()
    .min(JWT_SECRET_MIN_LENGTH, `expected at least ${JWT_SECRET_MIN_LENGTH} characters`)
    .optional(),
  /** The identity provider's JSON Web Key Set (RS256/ES256 keys); set this or AUTH_JWT_SECRET. */
  AUTH_JWKS_URL: env.url().optional(),
  /** When set, a token's `iss` must equal it. */
  AUTH_ISSUER: z.string().min(1, 'expected a non-empty issuer').optional(),
  /** When set, a token's `aud` must hold it. */
  AUTH_AUDIENCE: z.string().min(1, 'expected a non-empty audience').optional(),
  /** The claim holding the role (`user` or `service`); namespaced names such as `https://tailor/role` work. */
  AUTH_ROLE_CLAIM: z.string().min(1, 'expected a claim name').default('role'),
  /** Slack on `exp`/`nbf`/`iat` for drifting clocks. */
  AUTH_CLOCK_TOLERANCE_SECONDS: env.int(30, 0, 300),
};

export type GatewayAuthEnv = z.output<z.ZodObject<typeof gatewayAuthShape>>;

/** What the gateway reads to authenticate callers and prove itself to the subgraphs. */
export type GatewayAuthConfig = GatewayAuthEnv & GatewayTrustConfig;

/** The cross-variable rules: what `AUTH_MODE=jwt` cannot do without. */
export function gatewayAuthIssues(
  config: GatewayAuthConfig,
): { variable: string; problem: string }[] {
  if (config.AUTH_MODE !== 'jwt') return [];
  const issues: { variable: string; problem: string }[] = [];
  if (config.AUTH_JWT_SECRET === undefined && config.AUTH_JWKS_URL === undefined) {
    issues.push({
      variable: 'AUTH_JWT_SECRET',
      problem:
        'required when AUTH_MODE=jwt: set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL (RS256/ES256)',
    });
  }
  if (config.AUTH_JWT_SECRET !== undefined && config.AUTH_JWKS_URL !== undefined) {
    issues.push({
      variable: 'AUTH_JWKS_URL',
      problem: 'set only one of AUTH_JWT_SECRET and AUTH_JWKS_URL',
    });
  }
  if (config.GATEWAY_SHARED_SECRET === undefined) {
    issues.push({
      variable: 'GATEWAY_SHARED_SECRET',
      problem:
        'required when AUTH_MODE=jwt: without it the subgraphs cannot tell the gateway from ' +
        'any other caller, and would trust everyone',
    });
  }
  return issues;
}

/** Use as `z.object({ ...baseEnvShape, ...gatewayEnvShape }).superRefine(refineGatewayAuthEnv)`. */
export function refineGatewayAuthEnv(config: GatewayAuthConfig, ctx: z.RefinementCtx): void {
  for (const issue of gatewayAuthIssues(config)) {
    ctx.addIssue({ code: 'custom', path: [issue.variable], message: issue.problem });
  }
}

/** Throws the {@link ConfigError} a schema without {@link refineGatewayAuthEnv} would have missed. */
export function assertGatewayAuthConfig(config: GatewayAuthConfig): void {
  const issues = gatewayAuthIssues(config);
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  ${i.variable}: ${i.problem}`).join('\n');
  throw new ConfigError(`Invalid configuration:\n${lines}`, issues);
}
