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
  const point = mapped.get(id) ?? uuidv5(id, QDRANT_ID_NAMESPACE);
  mapped.set(id, point);
  // Both ways on every mapping, so the way back is as recent as the way there.
  unmapped.set(point, id);
  return point;
}

/**
 * The string id of a point id this process has mapped (or read back from a point's
 * {@link TAILOR_ID_KEY}); undefined for one it has not, or has forgotten. A UUIDv5 is a hash,
 * so this is the only way back besides reading the point's payload.
 */
export function knownTailorId(point: string): string | undefined {
  return unmapped.get(point);
}

/**
 * Notes the string id a point's own `_tailorId` gave, so that a later answer without payload
 * finds it; no hash is computed, the point id is Qdrant's.
 */
export function rememberTailorId(point: string, id: string): void {
  unmapped.set(point, id);
}

/**
 * Most string ids whose point id is kept, and most point ids whose string id is. A UUIDv5 is a
 * SHA-1, about 3 us: a recommendation maps its user's seen list, the items it cites and its
 * candidates' exclusions on every request (70 ids or more: 0.24 ms a list, timed on this
 * machine), mostly the same ids as the list before. The way back lets a search answer no
 * payload at all (Qdrant reads a hit's whole payload to pick any key of it): a hit whose point
 * id is not kept costs one retrieve of its `_tailorId`, counted by {@link qdrantIdLookups}.
 * That is more than the recommender's item cache holds by default (20,000), so a hit forgotten
 * here is mostly one whose facts that cache has to read again anyway. 50,000 ids each way are a
 * few MB; the least recently used go first.
 */
export const MAPPED_IDS = 50_000;
const mapped = new LRUCache<string, string>({ max: MAPPED_IDS });
const unmapped = new LRUCache<string, string>({ max: MAPPED_IDS });

const lookups = { calls: 0, points: 0 };

/** Counts one retrieve of `_tailorId` for `points` hits whose point ids were not kept. */
export function countIdLookup(points: number): void {
  lookups.calls += 1;
  lookups.points += points;
}

/**
 * Retrieves this process made to turn hits' point ids back into string ids (`calls`), and the
 * hits they covered (`points`), since it started: 0 once every item a process serves was
 * written, retrieved or found by it before (the bench prints it).
 */
export function qdrantIdLookups(): { calls: number; points: number } {
  return { ...lookups };
}
