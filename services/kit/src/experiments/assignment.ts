import { createHash } from 'node:crypto';

import type { Arm, Experiment } from './definition.js';

/**
 * Where a user falls in [0, 1) for one experiment: the first 48 bits of SHA-256 over the
 * experiment's name and the user id. The same user always falls in the same place (every
 * replica, every restart, the recommender and generation alike), and the name in the hash makes
 * two experiments' splits independent of each other.
 */
export function assignmentPoint(experimentName: string, userId: string): number {
  const digest = createHash('sha256')
    .update(`tailor-experiment\u0000${experimentName}\u0000${userId}`)
    .digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The arm of `experiment` a user is in: arms take consecutive slices of [0, 1) as wide as their
 * traffic, in the order defined; a user past the last slice (when the traffic sums to less than
 * 1) is in no arm and sees the service's own settings. Pure: stopping is the caller's concern.
 */
export function assignArm(
  experiment: Pick<Experiment, 'name' | 'arms'>,
  userId: string,
): Arm | undefined {
  const point = assignmentPoint(experiment.name, userId);
  let edge = 0;
  for (const arm of experiment.arms) {
    edge += arm.traffic;
    if (point < edge) return arm;
  }
  return undefined;
}
