/**
 * The angles a variant can take: what its copy leads with. A closed set, so a bandit's arms,
 * the stats per angle and the graph's enum are the same list everywhere.
 *
 * - `interest`: the user's own interest the item carries (or the new ground next to it), the
 *   copy the service wrote before variants existed.
 * - `value`: what the item offers for its price: its price line and its concrete facts first.
 * - `popularity`: that other shoppers pick it (said only when the catalog's facts allow it).
 * - `novelty`: what is new about the item, or new for this user.
 */
export const ANGLES = ['interest', 'value', 'popularity', 'novelty'] as const;
export type Angle = (typeof ANGLES)[number];

export function isAngle(value: string): value is Angle {
  return (ANGLES as readonly string[]).includes(value);
}
