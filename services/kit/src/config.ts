import { z } from 'zod';

import { GATEWAY_SECRET_MIN_LENGTH } from './auth/gateway-trust.js';

/**
 * Raised when the environment does not satisfy a service's config schema. The message names
 * every bad variable and the form it expects, so the operator can fix them all in one go.
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: readonly { variable: string; problem: string }[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` with `schema` once and returns a frozen, typed object. Schemas are written over
 * the SCREAMING_SNAKE variable names so that error messages name exactly what the operator set.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (result.success) return Object.freeze(result.data);
  const issues = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    const given = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
    const shown = given === undefined ? 'unset' : `got ${JSON.stringify(given)}`;
    return { variable, problem: `${issue.message} (${shown})` };
  });
  const lines = issues.map((i) => `  ${i.variable}: ${i.problem}`).join('\n');
  throw new ConfigError(`Invalid configuration:\n${lines}`, issues);
}

/** Env helpers: every variable is a string, so numbers and booleans are coerced explicitly. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'expected a TCP port number' })
      .int('expected a TCP port number')
      .min(0, 'expected a TCP port number from 0 to 65535')
      .max(65535, 'expected a TCP port number from 0 to 65535')
      .default(fallback),
  positive: (fallback: number) =>
    z.coerce
      .number({ error: 'expected a positive number' })
      .positive('expected a positive number')
      .default(fallback),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce
      .number({ error: `expected a whole number from ${min} to ${max}` })
      .int(`expected a whole number from ${min} to ${max}`)
      .min(min, `expected a whole number from ${min} to ${max}`)
      .max(max, `expected a whole number from ${min} to ${max}`)
      .default(fallback),
  number: (fallback: number, min: number, max: number) =>
    z.coerce
      .number({ error: `expected a number from ${min} to ${max}` })
      .min(min, `expected a number from ${min} to ${max}`)
      .max(max, `expected a number from ${min} to ${max}`)
      .default(fallback),
  fraction: (fallback: number) =>
    z.coerce
      .number({ error: 'expected a number from 0 to 1' })
      .min(0, 'expected a number from 0 to 1')
      .max(1, 'expected a number from 0 to 1')
      .default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  url: () => z.url({ error: 'expected an absolute URL such as http://127.0.0.1:4001/graphql' }),
  /**
   * A variable no longer read: set, it stops start-up saying what replaced it, rather than a
   * deployment losing what it set without a word.
   */
  retired: (replacement: string) => z.never({ error: `no longer read; ${replacement}` }).optional(),
  logLevel: () =>
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
};

/**
 * OpenTelemetry tracing, under the standard variable names so any collector's instructions
 * apply. No endpoint, no tracing: nothing is registered and every span call is a no-op.
 */
export const tracingEnvShape = {
  /** OTLP/HTTP base URL, e.g. `http://127.0.0.1:4318`; spans go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url().optional(),
  /** Full URL for spans alone; wins over `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: env.url().optional(),
  /** `service.name` on every span; the process's own name when unset. */
  OTEL_SERVICE_NAME: z.string().min(1, 'expected a service name').optional(),
  /** True turns tracing off even with an endpoint set. */
  OTEL_SDK_DISABLED: env.bool(false),
  /**
   * Share of new traces recorded (a request that arrives with a sampled `traceparent` is
   * recorded whatever this says, so one trace is never cut in half between services).
   */
  OTEL_TRACES_SAMPLER_ARG: env.fraction(1),
};

/** Variables every Tailor process understands. */
export const baseEnvShape = {
  LOG_LEVEL: env.logLevel(),
  /** Interface servers bind to; loopback by default so nothing is exposed by accident. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Where embedded adapters keep their logs and snapshots. */
  DATA_DIR: z.string().min(1).default('.data'),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 100, 600_000),
  /**
   * Shared by the gateway and every subgraph. Set: a subgraph answers `/graphql` only for callers
   * that send it (the gateway) and takes the viewer from the gateway's headers. Unset: a
   * subgraph trusts every caller, as in the embedded mesh.
   */
  GATEWAY_SHARED_SECRET: z
    .string()
    .min(
      GATEWAY_SECRET_MIN_LENGTH,
      `expected at least ${GATEWAY_SECRET_MIN_LENGTH} characters, e.g. from \`openssl rand -hex 32\``,
    )
    .optional(),
  ...tracingEnvShape,
};

/**
 * {@link loadConfig} for a process entry point: a bad environment prints the message naming
 * each variable and exits 1 instead of a stack trace.
 */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.output<S>> {
  try {
    return loadConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
