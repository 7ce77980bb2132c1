import { type Link, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';

import type { EventBus, MessageBatch, SubscribeOptions } from '../ports/event-bus.js';
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from './semconv.js';
import { recordFailure, spanContextOfHeaders, traceHeaders, tracerOf } from './spans.js';
import { tracingActive } from './tracing.js';

/** Links a batch's process span keeps at most: one per distinct trace its messages came from. */
const MAX_LINKS = 128;

/**
 * `bus` traced with the messaging semantic conventions. A publish is a PRODUCER span
 * (`send user-events`) whose context goes into every message's headers as W3C `traceparent`,
 * so any consumer, in this process or another, Tailor's or not, can continue the trace. A
 * delivered batch is a CONSUMER span (`process user-events`) current while the handler runs:
 * the child of the messages' creation context when they all share one (a single event, or the
 * events of one request), otherwise a root with a link to each, as the conventions ask for
 * batches. `system` is `messaging.system`: `kafka`, or `tailor.embedded` for the embedded log.
 */
export function tracedBus(bus: EventBus, system: string): EventBus {
  const processTraced = async (options: SubscribeOptions, batch: MessageBatch) => {
    const creations = new Map<string, Link>();
    for (const message of batch.messages) {
      const created = spanContextOfHeaders(message.headers);
      if (created === undefined) continue;
      const key = `${created.traceId}/${created.spanId}`;
      if (!creations.has(key) && creations.size < MAX_LINKS) {
        creations.set(key, { context: created });
      }
    }
    const links = [...creations.values()];
    const only = links.length === 1 ? links[0]?.context : undefined;
    const parent = only === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, only);
    return tracerOf().startActiveSpan(
      `process ${batch.topic}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          [ATTR_MESSAGING_SYSTEM]: system,
          [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
          [ATTR_MESSAGING_OPERATION_NAME]: 'process',
          [ATTR_MESSAGING_DESTINATION_NAME]: batch.topic,
          [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(batch.partition),
          [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: options.groupId,
          [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: batch.messages.length,
        },
      },
      parent,
      async (span) => {
        try {
          await options.handleBatch(batch);
        } catch (err) {
          recordFailure(span, err);
          throw err;
        } finally {
          span.end();
        }
      },
    );
  };
  return {
    ensureTopics: (topics) => bus.ensureTopics(topics),
    publish: async (topic, messages) => {
      if (!tracingActive() || messages.length === 0) return bus.publish(topic, messages);
      return tracerOf().startActiveSpan(
        `send ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [ATTR_MESSAGING_SYSTEM]: system,
            [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
            [ATTR_MESSAGING_OPERATION_NAME]: 'send',
            [ATTR_MESSAGING_DESTINATION_NAME]: topic,
            [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: messages.length,
          },
        },
        async (span) => {
          // Every message gets this span's context: a republished message (the DLQ) carries
          // the trace that republished it, which leads back to the one that first sent it.
          const carried = traceHeaders();
          try {
            await bus.publish(
              topic,
              messages.map((message) => ({
                ...message,
                headers: { ...message.headers, ...carried },
              })),
            );
          } catch (err) {
            recordFailure(span, err);
            throw err;
          } finally {
            span.end();
          }
        },
      );
    },
    subscribe: (options) =>
      bus.subscribe({
        ...options,
        handleBatch: (batch) =>
          tracingActive() ? processTraced(options, batch) : options.handleBatch(batch),
      }),
    consumerLag: (topic, groupId) => bus.consumerLag(topic, groupId),
    close: () => bus.close(),
  };
}
