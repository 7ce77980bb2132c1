import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Process or service name, logged as `service` on every line. */
  name: string;
  level?: string;
  /** Where lines go; stdout unless a test wants them elsewhere. */
  destination?: pino.DestinationStream;
}

/**
 * One root logger per process; components take `logger.child({ component })`. Secrets and
 * personal data are redacted by path so a careless `log.info({ req })` cannot leak them.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      base: { service: options.name },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-tailor-gateway-secret"]',
          '*.password',
          '*.apiKey',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** A logger that drops everything, for tests that assert behaviour rather than log lines. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
