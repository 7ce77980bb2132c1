import type { Logger } from './logger.js';

/** One step of a graceful shutdown, run in the order given. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void>;
}

/** Options of {@link handleShutdown}. */
export interface ShutdownOptions {
  logger: Logger;
  /** After this the process exits 1 even if a step still runs. */
  timeoutMs: number;
  steps: () => ShutdownStep[];
  /** For tests; the real process exits. */
  exit?: (code: number) => void;
}

/**
 * SIGTERM/SIGINT → run the steps in order (stop consuming, commit, stop servers, close stores)
 * → flush logs → exit 0. A crash (uncaught error, unhandled rejection) logs and exits non-zero:
 * it is never swallowed.
 */
export function handleShutdown(options: ShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.logger.child({ component: 'shutdown' });
  let stopping = false;

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs: options.timeoutMs }, 'shutdown timed out');
      options.logger.flush();
      exit(1);
    }, options.timeoutMs);
    timer.unref();
    let code = 0;
    for (const step of options.steps()) {
      try {
        await step.run();
        log.debug({ step: step.name }, 'shutdown step done');
      } catch (err) {
        code = 1;
        log.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    clearTimeout(timer);
    log.info({ code }, 'stopped');
    options.logger.flush(() => exit(code));
  };

  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    options.logger.flush(() => exit(1));
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    options.logger.flush(() => exit(1));
  });
}
