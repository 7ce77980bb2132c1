import type { ModelPayload, StoredPoint } from '@tailor/kit';

/** What the recommender needs of the collaborative model in service. */
export interface ModelView {
  modelVersion: string;
}

/**
 * Reads the `models` point `current` (written by the trainer), or null without one. A payload
 * without a usable version is read as no model: collaborative scores would then be unattributable.
 */
export function readModel(point: StoredPoint | undefined): ModelView | null {
  const version = (point?.payload as Partial<ModelPayload> | undefined)?.modelVersion;
  return typeof version === 'string' && version !== '' ? { modelVersion: version } : null;
}

/**
 * Whether the user's `cf` vector can be scored against the items' now: only when it was folded
 * in against the model in service. Factors of two trainings live in unrelated spaces, so a
 * vector of an older model would rank at random until profiles folds the user in again.
 */
export function collaborativeUsable(
  user: { modelVersion: string } | null,
  model: ModelView | null,
): boolean {
  return user !== null && model !== null && user.modelVersion === model.modelVersion;
}
