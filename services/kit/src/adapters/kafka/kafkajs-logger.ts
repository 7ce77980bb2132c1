import { type logCreator, logLevel } from 'kafkajs';

import type { Logger } from '../../logger.js';

/**
 * Routes kafkajs's log entries to a pino logger. kafkajs's own fields stay flat (`broker`,
 * `groupId`, `error`…) next to its `namespace`, so they can be queried like ours.
 */
export function kafkajsLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      // `logger` and `timestamp` duplicate what pino writes on every line.
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const fields = { namespace, ...extra };
      switch (level) {
        case logLevel.ERROR:
          // The connection layer logs every error response as an error before kafkajs's retry
          // handles it (a coordinator still loading, a leader moving). What the retries cannot
          // fix reaches the caller as a thrown error, so these are warnings.
          if (namespace === 'Connection') logger.warn(fields, message);
          else logger.error(fields, message);
          break;
        case logLevel.WARN:
          logger.warn(fields, message);
          break;
        case logLevel.INFO:
          logger.info(fields, message);
          break;
        default:
          logger.debug(fields, message);
      }
    };
}
