import { type UserEvent, VARIANT_CHOICE_SOURCE } from '@tailor/kit';

import { type Angle, isAngle } from './angles.js';

/** `context.source` of the impression a variant choice is logged as. */
export const DECISION_SOURCE = VARIANT_CHOICE_SOURCE;

/** A variant choice as the log carries it (the fields of `VariantDecision` a replay needs). */
export interface LoggedChoice {
  decisionId: string;
  at: number;
  recommendationId: string | null;
  itemId: string;
  format: string;
  bucket: string;
  angle: Angle;
  creativeId: string;
  propensity: number;
  probabilities: Partial<Record<Angle, number>>;
}

/**
 * A choice as an `impression` event of its user on `user-events`: the event id is the
 * decision id (so a replica reading its own choice back knows it), the context carries what
 * attribution, the posteriors and off-policy evaluation need. On the user's topic and sealed
 * with their key like every event, so `forgetUser` makes it unreadable with the rest.
 */
export function choiceEvent(choice: LoggedChoice, userId: string): UserEvent {
  return {
    eventId: choice.decisionId,
    userId,
    itemId: choice.itemId,
    type: 'impression',
    timestamp: choice.at,
    context: {
      source: DECISION_SOURCE,
      creativeId: choice.creativeId,
      ...(choice.recommendationId === null ? {} : { recommendationId: choice.recommendationId }),
      format: choice.format,
      bucket: choice.bucket,
      angle: choice.angle,
      propensity: String(choice.propensity),
      probabilities: Object.entries(choice.probabilities)
        .map(([angle, p]) => `${angle}=${p}`)
        .join(','),
    },
  };
}

/**
 * The choice an event logs, or undefined when it is not one (any other event, or one whose
 * context does not parse: another producer's impression, a hand-written line).
 */
export function choiceOf(event: UserEvent): LoggedChoice | undefined {
  const c = event.context;
  if (event.type !== 'impression' || c?.['source'] !== DECISION_SOURCE) return undefined;
  const { creativeId, format, bucket, angle } = c;
  const propensity = Number(c['propensity']);
  if (creativeId === undefined || format === undefined || bucket === undefined) return undefined;
  if (angle === undefined || !isAngle(angle) || event.itemId === undefined) return undefined;
  if (!(propensity > 0 && propensity <= 1)) return undefined;
  const probabilities: Partial<Record<Angle, number>> = {};
  for (const part of (c['probabilities'] ?? '').split(',')) {
    const [name, value] = part.split('=');
    const p = Number(value);
    if (name !== undefined && isAngle(name) && p >= 0 && p <= 1) probabilities[name] = p;
  }
  return {
    decisionId: event.eventId,
    at: event.timestamp,
    recommendationId: c['recommendationId'] ?? null,
    itemId: event.itemId,
    format,
    bucket,
    angle,
    creativeId,
    propensity,
    probabilities,
  };
}
