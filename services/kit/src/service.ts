import { z } from 'zod';

import {
  adapterEnvShape,
  type AdapterName,
  createAdapters,
  type OpenedAdapters,
  refineAdapterEnv,
} from './adapters/index.js';
import { baseEnvShape, loadConfigOrExit } from './config.js';
import { handleShutdown } from './lifecycle.js';
import { createLogger, type Logger } from './logger.js';
import { startTracing } from './telemetry/tracing.js';

const processEnvShape = { ...baseEnvShape, ...adapterEnvShape };
type ProcessEnv = z.output<z.ZodObject<typeof processEnvShape>>;

/** The parsed environment of a service process: the base and adapter variables and its own. */
export type ServiceProcessConfig<S extends z.ZodRawShape> = Readonly<
  ProcessEnv & z.output<z.ZodObject<S>>
>;

/** What {@link runService} hands a service's start function. */
export type ServiceContext<S extends z.ZodRawShape, N extends AdapterName> = {
  config: ServiceProcessConfig<S>;
  logger: Logger;
} & Omit<OpenedAdapters<N>, 'close'>;

/** One service as its own process. */
export interface ServiceDefinition<S extends z.ZodRawShape, N extends AdapterName> {
  /** Logger name, e.g. `profiles`. */
  name: string;
  /** The service's own variables; base and adapter variables are added. */
  envShape: S;
  /** The ports it uses; the others are never opened. */
  adapters: readonly N[];
  /** Starts the service; `close` stops it but leaves the adapters to the caller. */
  start(context: ServiceContext<S, N>): Promise<{ close(): Promise<void> }>;
}

/**
 * The whole life of a service process: validate the environment (a bad variable prints its
 * name and exits 1), open the adapters it needs, start it, and on SIGTERM stop the service
 * before closing the adapters, so a batch in hand is applied and committed first.
 */
export async function runService<S extends z.ZodRawShape, N extends AdapterName>(
  definition: ServiceDefinition<S, N>,
): Promise<void> {
  // One schema, so a bad environment is reported in one message naming every variable.
  const schema = z
    .object({ ...processEnvShape, ...definition.envShape })
    .superRefine((value, ctx) => refineAdapterEnv(value as ProcessEnv, ctx));
  // zod cannot infer the output of a spread over a generic shape; it is exactly this type.
  const config = loadConfigOrExit(schema) as ServiceProcessConfig<S>;
  const logger = createLogger({ name: definition.name, level: config.LOG_LEVEL });
  // Before the adapters and servers, so their first requests and batches are traced too.
  const tracing = startTracing({ serviceName: definition.name, settings: config, logger });
  const { close: closeAdapters, ...adapters } = await createAdapters(
    config,
    logger,
    definition.adapters,
  );
  let service: { close(): Promise<void> } | undefined;
  handleShutdown({
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    steps: () => {
      const running = service;
      return [
        ...(running === undefined ? [] : [{ name: definition.name, run: () => running.close() }]),
        { name: 'adapters', run: closeAdapters },
        // Last: the spans of the final batch and requests go out before the process ends.
        { name: 'tracing', run: () => tracing.shutdown() },
      ];
    },
  });
  try {
    service = await definition.start({ config, logger, ...adapters } as ServiceContext<S, N>);
  } catch (err) {
    logger.fatal({ err }, 'start failed');
    await closeAdapters().catch(() => undefined);
    await tracing.shutdown();
    logger.flush(() => process.exit(1));
  }
}
