import { Counter, EVENT_TYPES } from '@tailor/kit';

/** The profiles service's own metrics; registered on the subgraph's registry at start. */
export interface ProfileMetrics {
  /** Events that changed a profile, by event type. */
  applied: Counter<'type'>;
  /** Events skipped as already applied: `duplicate` by eventId, `replayed` by log offset. */
  skipped: Counter<'reason'>;
}

/** Creates the metrics unregistered, so a schema can be built without a server. */
export function createProfileMetrics(): ProfileMetrics {
  const applied = new Counter({
    name: 'tailor_profile_events_applied_total',
    help: 'Behaviour events applied to profiles, by event type.',
    labelNames: ['type'] as const,
    registers: [],
  });
  const skipped = new Counter({
    name: 'tailor_profile_events_skipped_total',
    help: 'Events skipped as already applied: duplicate (same eventId) or replayed (same offset).',
    labelNames: ['reason'] as const,
    registers: [],
  });
  // Every series exists from the start, so a rate reads 0 rather than nothing.
  for (const type of EVENT_TYPES) applied.inc({ type }, 0);
  skipped.inc({ reason: 'duplicate' }, 0);
  skipped.inc({ reason: 'replayed' }, 0);
  return { applied, skipped };
}
