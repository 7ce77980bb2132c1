import { Counter } from '@tailor/kit';

/** The events subgraph's own metrics; registered on the subgraph's registry at start. */
export interface EventMetrics {
  /** Events that went through validation, by outcome (`accepted` once published). */
  received: Counter<'outcome'>;
}

/** Creates the metrics unregistered, so a schema can be built without a server. */
export function createEventMetrics(): EventMetrics {
  const received = new Counter({
    name: 'tailor_events_received_total',
    help: 'Behaviour events received, by outcome: accepted (published) or rejected (invalid).',
    labelNames: ['outcome'] as const,
    registers: [],
  });
  // Both series exist from the start, so a rate over "rejected" reads 0 rather than nothing.
  received.inc({ outcome: 'accepted' }, 0);
  received.inc({ outcome: 'rejected' }, 0);
  return { received };
}
