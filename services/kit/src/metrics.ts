// One prom-client for the whole workspace: a metric made from another copy of the library
// cannot be registered on the subgraph's registry, so services take the classes from here.
import { Gauge } from 'prom-client';

import type { Logger } from './logger.js';
import type { EventBus } from './ports/event-bus.js';

export { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Options of {@link consumerLagGauge}. */
export interface ConsumerLagGaugeOptions {
  bus: EventBus;
  topic: string;
  groupId: string;
  logger: Logger;
}

/**
 * `tailor_consumer_lag_events{topic,group}`: how many messages of `topic` the group has not
 * committed, read from the bus at each scrape (on Kafka, from the broker's offsets, so it
 * counts what every replica of the group has left). When the bus does not answer, the scrape
 * keeps the last value and the failure is logged: a scrape must not fail for it.
 */
export function consumerLagGauge(options: ConsumerLagGaugeOptions): Gauge<'topic' | 'group'> {
  const labels = { topic: options.topic, group: options.groupId };
  const log = options.logger.child({ component: 'consumer-lag', ...labels });
  return new Gauge({
    name: 'tailor_consumer_lag_events',
    help: 'Messages of the topic the consumer group has not committed yet (read at each scrape).',
    labelNames: ['topic', 'group'] as const,
    registers: [],
    async collect() {
      try {
        this.set(labels, await options.bus.consumerLag(options.topic, options.groupId));
      } catch (err) {
        log.warn({ err }, 'could not read the consumer lag; the metric keeps its last value');
      }
    },
  });
}
