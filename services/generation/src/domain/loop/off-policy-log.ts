import type { UserEvent } from '@tailor/kit';

import { type Angle, ANGLES, isAngle } from './angles.js';
import { choiceOf, type LoggedChoice } from './decision-event.js';
import { ledgerEventOf, ShowingLedger } from './ledger.js';
import { type LoggedDecision, type OffPolicyEstimate, offPolicyEstimate } from './off-policy.js';
import type { RewardWeights } from './rewards.js';

/** A selection policy to evaluate: the probability of `arm` among the angles a choice offered. */
export type OfferPolicy = (offered: readonly Angle[], arm: Angle) => number;

/** The policies the command knows by name. */
export function namedPolicy(name: string): OfferPolicy {
  if (name === 'uniform') return (offered) => 1 / offered.length;
  const [kind, angle] = name.split(':');
  if (kind === 'always' && angle !== undefined && isAngle(angle))
    // The angle where offered, else uniform among what was: a policy must choose something.
    return (offered, arm) =>
      offered.includes(angle) ? (arm === angle ? 1 : 0) : 1 / offered.length;
  throw new RangeError(
    `unknown policy ${JSON.stringify(name)}: uniform or always:<${ANGLES.join('|')}>`,
  );
}

/**
 * Folds `user-events` in log order into the logged choices and the reward each earned, by the
 * reward feed's rule (the ledger), so an off-policy estimate reads the same rewards the bandit
 * learned from.
 */
export class LoggedChoices {
  private readonly ledger: ShowingLedger;
  private readonly choices = new Map<string, { choice: LoggedChoice; reward: number }>();

  constructor(options: { windowMs: number; weights: RewardWeights; maxChoices: number }) {
    this.ledger = new ShowingLedger({
      windowMs: options.windowMs,
      weights: options.weights,
      maxShowings: options.maxChoices,
      maxEventIds: options.maxChoices,
    });
  }

  get size(): number {
    return this.choices.size;
  }

  apply(event: UserEvent): void {
    const choice = choiceOf(event);
    if (choice !== undefined) {
      if (this.ledger.show({ ...choice, userId: event.userId }))
        this.choices.set(choice.decisionId, { choice, reward: 0 });
      return;
    }
    const credit = this.ledger.credit(ledgerEventOf(event));
    const held = credit === undefined ? undefined : this.choices.get(credit.shown.decisionId);
    if (held !== undefined && credit !== undefined) held.reward += credit.added;
  }

  /** IPS and self-normalized IPS of `policy` over every logged choice with a propensity. */
  estimate(policy: OfferPolicy): OffPolicyEstimate & { observedMean: number } {
    const log: LoggedDecision<Angle>[] = [];
    const offered = new Map<string, Angle[]>();
    let sum = 0;
    for (const { choice, reward } of this.choices.values()) {
      const angles = (Object.keys(choice.probabilities) as Angle[]).filter(isAngle);
      offered.set(choice.decisionId, angles.length > 0 ? angles : [choice.angle]);
      log.push({
        context: choice.decisionId,
        arm: choice.angle,
        propensity: choice.propensity,
        reward,
      });
      sum += reward;
    }
    const estimate = offPolicyEstimate(log, (id, arm) => policy(offered.get(id)!, arm));
    return { ...estimate, observedMean: sum / log.length };
  }
}
