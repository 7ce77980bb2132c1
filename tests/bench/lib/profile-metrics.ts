import { Counter } from '@tailor/kit';
import type { ProfileServiceOptions } from '@tailor/profiles';

/**
 * Counters for a {@link ProfileService} the bench drives directly. The profiles package keeps
 * its own factory internal, so these are made the same way: unregistered, nobody scrapes them.
 */
export function benchProfileMetrics(): ProfileServiceOptions['metrics'] {
  return {
    applied: new Counter({
      name: 'bench_profile_events_applied_total',
      help: 'Events applied by the bench replay.',
      labelNames: ['type'] as const,
      registers: [],
    }),
    skipped: new Counter({
      name: 'bench_profile_events_skipped_total',
      help: 'Events skipped by the bench replay.',
      labelNames: ['reason'] as const,
      registers: [],
    }),
  };
}
