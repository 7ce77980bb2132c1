import {
  CF_VECTOR,
  CURRENT_MODEL_ID,
  ITEMS_COLLECTION,
  MODEL_GRAM_VECTOR,
  type ModelPayload,
  MODELS_COLLECTION,
} from '../collections.js';
import type { VectorStore } from '../ports/vector-store.js';
import {
  type FoldInBasis,
  foldInBasis,
  type RecentTaste,
  tasteVector,
  type WeightedInteraction,
} from './model.js';

/** The model in service as the store holds it: what folding a user in reads. */
export interface PublishedModel {
  payload: ModelPayload;
  /** k×k, row-major. */
  gram: Float32Array;
}

function isModelPayload(value: Record<string, unknown>): boolean {
  return (
    typeof value.modelVersion === 'string' &&
    typeof value.dimension === 'number' &&
    typeof value.alpha === 'number' &&
    typeof value.regularization === 'number' &&
    typeof value.unobservedWeight === 'number' &&
    typeof value.items === 'number'
  );
}

/** The model the trainer published last, or undefined before the first training. */
export async function readPublishedModel(
  store: VectorStore,
  cfDimension: number,
): Promise<PublishedModel | undefined> {
  const [point] = await store.retrieve(MODELS_COLLECTION, [CURRENT_MODEL_ID], {
    withVectors: true,
  });
  const gram = point?.vectors?.[MODEL_GRAM_VECTOR];
  if (point === undefined || gram === undefined || !isModelPayload(point.payload)) return undefined;
  const payload = point.payload as unknown as ModelPayload;
  // A model of another k cannot be folded against: wait for one trained with this CF_DIMENSION.
  if (payload.dimension !== cfDimension || gram.length !== cfDimension * cfDimension) {
    return undefined;
  }
  return { payload, gram };
}

/**
 * The basis of the last model folded against: a reader re-reads the model every few seconds
 * (a new object each time), and the basis costs k³ to compute. Keyed by the Gram matrix itself
 * (k² compares), not by the version alone, which a hand-written model may reuse.
 */
let lastBasis: { gram: Float32Array; params: string; basis: FoldInBasis | undefined } | undefined;

function basisOf(model: PublishedModel): FoldInBasis | undefined {
  const { alpha, regularization, frequencyScaled, unobservedWeight, dimension } = model.payload;
  const params = JSON.stringify([regularization, frequencyScaled, unobservedWeight, dimension]);
  const same =
    lastBasis !== undefined &&
    lastBasis.params === params &&
    lastBasis.gram.length === model.gram.length &&
    lastBasis.gram.every((value, i) => value === model.gram[i]);
  if (!same) {
    const basis = foldInBasis(
      { alpha, regularization, frequencyScaled, unobservedWeight },
      dimension,
      model.gram,
    );
    lastBasis = { gram: Float32Array.from(model.gram), params, basis };
  }
  return lastBasis!.basis;
}

/**
 * Folds users in against the published model: one retrieve of every item factor the users
 * need, then the exact solves of `tasteVector` per user (interactions newest first). A user none
 * of whose items has factors gets none.
 */
export async function foldInUsers(
  store: VectorStore,
  model: PublishedModel,
  users: ReadonlyMap<string, readonly WeightedInteraction[]>,
  recent: RecentTaste,
): Promise<Map<string, Float32Array>> {
  const ids = [...new Set([...users.values()].flatMap((list) => list.map((i) => i.itemId)))];
  const factors = new Map<string, Float32Array>();
  if (ids.length > 0) {
    // The factors alone: items' payloads would be copied out of the store for nothing.
    const points = await store.retrieve(ITEMS_COLLECTION, ids, {
      withVectors: true,
      withPayload: false,
    });
    for (const point of points) {
      const cf = point.vectors?.[CF_VECTOR];
      if (cf !== undefined && cf.length === model.payload.dimension) factors.set(point.id, cf);
    }
  }
  const out = new Map<string, Float32Array>();
  const basis = basisOf(model);
  for (const [userId, interactions] of users) {
    const pairs = interactions.flatMap((interaction) => {
      const itemFactors = factors.get(interaction.itemId);
      return itemFactors === undefined
        ? []
        : [{ weight: interaction.weight, factors: itemFactors, id: interaction.itemId }];
    });
    const vector = tasteVector(
      {
        params: model.payload,
        dimension: model.payload.dimension,
        gram: model.gram,
        otherSide: model.payload.items,
        pairs,
        ...(basis === undefined ? {} : { basis }),
      },
      recent,
    );
    if (vector !== undefined) out.set(userId, Float32Array.from(vector));
  }
  return out;
}
