import { type EventBus, type Logger, publishUserEvents, type UserKeyVault } from '@tailor/kit';

import { choiceEvent } from '../domain/loop/decision-event.js';
import type { DecisionSink, VariantDecision } from './creative-loop.js';

/** Options of {@link BusDecisionSink}. */
export interface BusDecisionSinkOptions {
  bus: EventBus;
  /** Seals each choice with its user's key, as every event on `user-events`. */
  vault?: UserKeyVault | undefined;
  logger: Logger;
}

/**
 * Logs every variant choice on `user-events` as an impression of its user (see
 * `choiceEvent`), the log every replica's posteriors, showings and stats are rebuilt from.
 * The choices of one tick (a Home query's fifteen) go in one publish; a failed publish costs
 * other replicas and later starts that choice, never the user's answer.
 */
export class BusDecisionSink implements DecisionSink {
  private batch: { decision: VariantDecision; userId: string }[] = [];
  private readonly publishing = new Set<Promise<void>>();
  private readonly log: Logger;

  constructor(private readonly options: BusDecisionSinkOptions) {
    this.log = options.logger.child({ component: 'decision-log' });
  }

  record(decision: VariantDecision, userId: string): void {
    this.batch.push({ decision, userId });
    if (this.batch.length === 1) queueMicrotask(() => this.flush());
  }

  /** Waits for every publish under way (at shutdown, and in tests). */
  async settled(): Promise<void> {
    this.flush();
    await Promise.all([...this.publishing]);
  }

  private flush(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    const publishing = publishUserEvents(
      this.options.bus,
      batch.map(({ decision, userId }) => choiceEvent(decision, userId)),
      this.options.vault === undefined ? {} : { vault: this.options.vault },
    )
      .catch((err: unknown) => {
        this.log.warn({ err, decisions: batch.length }, 'variant decisions not logged');
      })
      .finally(() => {
        this.publishing.delete(publishing);
      });
    this.publishing.add(publishing);
  }
}
