import { v5 as uuidv5 } from 'uuid';

/**
 * Namespace of the UUIDv5 point ids. Changing it orphans every stored point: the same string id
 * would map to a new point id. Keep it for as long as any Qdrant collection written by Tailor
 * lives.
 */
export const QDRANT_ID_NAMESPACE = '6404857f-5aaa-4315-a00d-0a8243f8c0f7';

/** Payload key holding the caller's string id; stripped from payloads handed back. */
export const TAILOR_ID_KEY = '_tailorId';

/**
 * Qdrant point ids must be unsigned integers or UUIDs, so every string id, a UUID included, is
 * mapped the same way: one rule, no ambiguity between an id that looks like a UUID and one that
 * does not.
 */
export function toQdrantId(id: string): string {
  return uuidv5(id, QDRANT_ID_NAMESPACE);
}
