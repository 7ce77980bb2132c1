import {
  DEFAULT_EVENT_WEIGHTS,
  dot,
  eventWeight,
  type EventWeights,
  type ItemAffinity,
  type RecentTaste,
  tasteVector,
} from '@tailor/kit';
import {
  type TrainedFactors,
  trainFactors,
  trainingData,
  type TrainingSettings,
  type UserInteractions,
} from '@tailor/trainer';

import type { UserLists } from './metrics.js';
import type { UserSplit } from './split.js';

/** The trainer's model fitted on some splits' histories, with what folding users in needs. */
export interface CollaborativeFit {
  settings: TrainingSettings;
  model: TrainedFactors;
  itemIds: string[];
  /** Per user, the summed weight per item, newest touched first: a profile's affinities. */
  affinities: Map<string, ItemAffinity[]>;
}

/**
 * The trainer's model alone, in process: each history rating as the `rating` event the replay
 * sends (same weights the trainer and profiles use), the model trained on them.
 */
export function fitCollaborative(
  splits: readonly UserSplit[],
  settings: TrainingSettings,
  weights: EventWeights = DEFAULT_EVENT_WEIGHTS,
): CollaborativeFit {
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
    const affinities = [...sums]
      .map(([itemId, s]) => ({ itemId, ...s }))
      .sort((a, b) => b.at - a.at || (a.itemId < b.itemId ? -1 : 1));
    users.set(split.userId, { affinities, recentEventIds: [] });
  }
  const data = trainingData(users);
  return {
    settings,
    model: trainFactors(data.matrix, settings),
    itemIds: data.itemIds,
    affinities: new Map([...users].map(([id, u]) => [id, u.affinities])),
  };
}

/**
 * Each user's top 50 by the dot product of the `cf` vector profiles would fold in (the recent
 * taste included) with the item factors, their history excluded. What the tuner searches with.
 */
export function collaborativeLists(
  fit: CollaborativeFit,
  splits: readonly UserSplit[],
  recent: RecentTaste,
): Map<string, UserLists> {
  const { model, itemIds, settings } = fit;
  const k = settings.dimension;
  const itemAt = new Map(itemIds.map((id, i) => [id, i]));
  const factorsOf = (i: number) => model.itemFactors.subarray(i * k, i * k + k);
  const lists = new Map<string, UserLists>();
  const scores = new Float64Array(itemIds.length);
  for (const split of splits) {
    const pairs = (fit.affinities.get(split.userId) ?? []).flatMap((a) => {
      const at = itemAt.get(a.itemId);
      return at === undefined ? [] : [{ weight: a.weight, factors: factorsOf(at) }];
    });
    const x = tasteVector(
      { params: settings, dimension: k, gram: model.gram, otherSide: itemIds.length, pairs },
      recent,
    );
    if (x === undefined) continue;
    for (let i = 0; i < itemIds.length; i += 1) scores[i] = dot(x, factorsOf(i));
    const seen = new Set(split.history.map((r) => r.itemId));
    const order = [...scores.keys()]
      .filter((i) => !seen.has(itemIds[i]!))
      .sort((a, b) => scores[b]! - scores[a]!)
      .slice(0, 50)
      .map((i) => itemIds[i]!);
    lists.set(split.userId, { top10: order.slice(0, 10), top20: order.slice(0, 20), top50: order });
  }
  return lists;
}

/** One step of {@link modelAblation}: what the collaborative model gives with one more part. */
export interface AblationStep {
  name: string;
  description: string;
  lists: Map<string, UserLists>;
}

/**
 * The pipeline's collaborative parts on their own, in process, at the run's settings (the
 * shipped ones were chosen on validation): the model's exact fold-in over the whole history,
 * then with the newest interactions weighed again. Read beside the full pipeline's row it says which part of the
 * product a gap to a peer comes from; nothing is chosen from it.
 */
export function modelAblation(
  splits: readonly UserSplit[],
  settings: TrainingSettings,
  recent: RecentTaste,
): AblationStep[] {
  const fit = fitCollaborative(splits, settings);
  return [
    {
      name: 'model',
      description: 'the collaborative model alone: exact fold-in over the whole history',
      lists: collaborativeLists(fit, splits, { items: 0, weight: 0 }),
    },
    {
      name: 'model+recent',
      description: `the model with the newest ${recent.items} interactions weighed again (× ${recent.weight})`,
      lists: collaborativeLists(fit, splits, recent),
    },
  ];
}
