import type { Payload, PayloadSelection } from '../../../ports/vector-store.js';

/**
 * A copy of a JSON value (every stored payload is one: it went through JSON on the way in).
 * Walking the tree by hand costs a fraction of structuredClone, which serializes and parses.
 */
export function copyJson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i += 1) out[i] = copyJson(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    // Assigning `__proto__` would set the copy's prototype instead of a key JSON gave it.
    if (key === '__proto__') {
      Object.defineProperty(out, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else out[key] = item;
  }
  return out;
}

/**
 * Freezes a stored payload all the way down, once: search hits share it with the store rather
 * than copy it, and a frozen tree makes a caller's write throw instead of changing the store.
 * The root is frozen last, so a frozen root means a frozen tree.
 */
function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key of Object.keys(value)) freezeDeep((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

const EMPTY_PAYLOAD: Payload = Object.freeze({});

/** The payload of a search hit: the stored one, frozen and shared, or a frozen selection of it. */
export function sharePayload(payload: Payload, selection: PayloadSelection | undefined): Payload {
  if (selection === undefined || selection === true) return freezeDeep(payload);
  if (selection === false) return EMPTY_PAYLOAD;
  const out: Payload = {};
  for (const key of selection) {
    if (Object.hasOwn(payload, key)) out[key] = freezeDeep(payload[key]);
  }
  return Object.freeze(out);
}
