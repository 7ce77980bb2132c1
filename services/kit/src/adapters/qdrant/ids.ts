import { LRUCache } from 'lru-cache';
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
  const known = mapped.get(id);
  if (known !== undefined) return known;
  const point = uuidv5(id, QDRANT_ID_NAMESPACE);
  mapped.set(id, point);
  return point;
}

/**
 * Most string ids whose point id is kept. A UUIDv5 is a SHA-1, about 3 us: a recommendation maps
 * its user's seen list, the items it cites and its candidates' exclusions on every request
 * (70 ids or more: 0.24 ms a list, timed on this machine), mostly the same ids as
 * the list before. 50,000 ids are a few MB; the least recently used go first.
 */
export const MAPPED_IDS = 50_000;
const mapped = new LRUCache<string, string>({ max: MAPPED_IDS });
