import type { EventBus } from '../ports/event-bus.js';
import type { CircuitBreaker } from './circuit-breaker.js';

/**
 * `bus` whose publishes go through a circuit breaker: once the broker has failed a few
 * publishes in a row, the next ones fail at once with `DependencyUnavailableError`
 * (retriable, so the events service answers SERVICE_UNAVAILABLE and nothing is accepted)
 * instead of each request waiting out the client's own retries; a probe every `openMs` finds
 * the broker again. Subscriptions are left alone: consumers reconnect and redeliver by
 * themselves, and a lag query is a read that may simply fail.
 */
export function guardedBus(bus: EventBus, breaker: CircuitBreaker): EventBus {
  return {
    ensureTopics: (topics) => bus.ensureTopics(topics),
    publish: (topic, messages) => breaker.run(() => bus.publish(topic, messages)),
    subscribe: (options) => bus.subscribe(options),
    consumerLag: (topic, groupId) => bus.consumerLag(topic, groupId),
    close: async () => {
      breaker.dispose();
      await bus.close();
    },
  };
}
