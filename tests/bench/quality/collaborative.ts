import { DEFAULT_EVENT_WEIGHTS, dot, eventWeight, type EventWeights } from '@tailor/kit';
import {
  trainFactors,
  trainingData,
  type TrainingSettings,
  type UserInteractions,
} from '@tailor/trainer';

import type { UserLists } from './metrics.js';
import type { UserSplit } from './split.js';

/**
 * The trainer's model alone, in process: each history rating as the `rating` event the replay
 * sends (same weights the trainer and profiles use), the model trained on them, and each user's
 * top 50 by factor dot product with their history excluded. What the tuner searches with, and
 * what the bench reports beside the full pipeline.
 */
export function collaborativeLists(
  splits: readonly UserSplit[],
  settings: TrainingSettings,
  weights: EventWeights = DEFAULT_EVENT_WEIGHTS,
): Map<string, UserLists> {
  const users = new Map<string, UserInteractions>();
  for (const split of splits) {
    const sums = new Map<string, { weight: number; at: number }>();
    for (const r of split.history) {
      const weight = eventWeight({ type: 'rating', value: r.rating }, weights);
      if (weight === 0) continue;
      const held = sums.get(r.itemId);
      sums.set(r.itemId, {
        weight: (held?.weight ?? 0) + weight,
        at: Math.max(held?.at ?? r.timestamp, r.timestamp),
      });
    }
    users.set(split.userId, {
      affinities: [...sums].map(([itemId, s]) => ({ itemId, ...s })),
      recentEventIds: [],
    });
  }
  const data = trainingData(users);
  const model = trainFactors(data.matrix, settings);
  const k = settings.dimension;
  const lists = new Map<string, UserLists>();
  const scores = new Float64Array(data.itemIds.length);
  data.userIds.forEach((userId, u) => {
    const x = model.userFactors.subarray(u * k, u * k + k);
    for (let i = 0; i < data.itemIds.length; i += 1) {
      scores[i] = dot(x, model.itemFactors.subarray(i * k, i * k + k));
    }
    const split = splits.find((s) => s.userId === userId)!;
    const seen = new Set(split.history.map((r) => r.itemId));
    const order = [...scores.keys()]
      .filter((i) => !seen.has(data.itemIds[i]!))
      .sort((a, b) => scores[b]! - scores[a]!)
      .slice(0, 50)
      .map((i) => data.itemIds[i]!);
    lists.set(userId, { top10: order.slice(0, 10), top20: order.slice(0, 20), top50: order });
  });
  return lists;
}
