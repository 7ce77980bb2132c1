import type { CollectionSpec } from '../../../ports/vector-store.js';
import { VectorStoreError } from './errors.js';

/** Safe as a file name on every platform, and accepted by Qdrant as a collection name. */
export const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,200}$/;

/** Refuses a spec the store cannot keep: a name unsafe as a file name, a vector it cannot hold. */
export function checkCollectionSpec(spec: CollectionSpec): void {
  if (typeof spec?.name !== 'string' || !COLLECTION_NAME.test(spec.name)) {
    throw new VectorStoreError(
      `Invalid collection name ${JSON.stringify(spec?.name)}: use 1 to 200 letters, digits, '_' or '-'`,
    );
  }
  const names = Object.keys(spec.vectors ?? {});
  if (names.length === 0)
    throw new VectorStoreError(`Collection ${spec.name} needs at least one vector`);
  for (const name of names) {
    const { size, distance } = spec.vectors[name]!;
    if (!Number.isInteger(size) || size < 1 || size > 65_536) {
      throw new VectorStoreError(
        `Collection ${spec.name}: vector ${name} needs a size from 1 to 65536`,
      );
    }
    if (distance !== 'cosine' && distance !== 'dot') {
      throw new VectorStoreError(
        `Collection ${spec.name}: vector ${name} needs distance cosine or dot`,
      );
    }
  }
}

/** The first vector two specs disagree on, and how; null when their vectors are the same. */
export function sameSpec(
  a: CollectionSpec,
  b: CollectionSpec,
): { vector: string; problem: string } | null {
  const names = new Set([...Object.keys(a.vectors), ...Object.keys(b.vectors)]);
  for (const name of names) {
    const x = a.vectors[name];
    const y = b.vectors[name];
    const problem =
      x === undefined || y === undefined
        ? `vector ${name} is in only one of them`
        : x.size !== y.size
          ? `vector ${name} has size ${x.size}, asked for ${y.size}`
          : x.distance !== y.distance
            ? `vector ${name} uses ${x.distance} distance, asked for ${y.distance}`
            : null;
    if (problem !== null) return { vector: name, problem };
  }
  return null;
}

function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The store's own copy of a checked spec, holding nothing the caller may change later. */
export function storedSpec(spec: CollectionSpec): CollectionSpec {
  return {
    name: spec.name,
    vectors: jsonCopy(spec.vectors),
    ...(spec.payloadIndexes === undefined ? {} : { payloadIndexes: jsonCopy(spec.payloadIndexes) }),
  };
}
