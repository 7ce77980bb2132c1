import { Counter, Gauge } from '@tailor/kit';

/** The events subgraph's own metrics; registered on the subgraph's registry at start. */
export interface EventMetrics {
  /** Events that went through validation, by outcome (`accepted` once published). */
  received: Counter<'outcome'>;
  /** The profile updater's lag on `user-events` as last read from the bus, in events. */
  updaterLag: Gauge;
  /** Batches refused whole because the profile updater was too far behind. */
  backlogRefusals: Counter;
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
  const updaterLag = new Gauge({
    name: 'tailor_events_updater_lag_events',
    help:
      'Events on user-events the profile updater has not committed yet, as last read from the ' +
      'bus (EVENTS_LAG_CHECK_INTERVAL_MS); intake refuses batches above EVENTS_MAX_UPDATER_LAG_EVENTS.',
    registers: [],
  });
  const backlogRefusals = new Counter({
    name: 'tailor_events_backlog_refusals_total',
    help: 'Batches refused whole (429 / OVERLOADED) because the profile updater was too far behind.',
    registers: [],
  });
  return { received, updaterLag, backlogRefusals };
}
