import { createHash, createHmac, randomBytes } from 'node:crypto';

import type { CollectionSpec, VectorStore } from '../ports/vector-store.js';

/**
 * Where each user's event key lives. A point per user, named by the user's subject (never the
 * id), holding 32 random bytes: deleting the point is what makes every sealed copy of that
 * user's events unreadable, wherever the copy is (log segments, topics, replicas, backups).
 */
export const USER_KEYS_COLLECTION = 'user-keys';

/** The store wants a vector on every point; the key needs none, so one constant dimension. */
const KEY_VECTOR = 'none';

export const userKeysCollectionSpec: CollectionSpec = {
  name: USER_KEYS_COLLECTION,
  vectors: { [KEY_VECTOR]: { size: 1, distance: 'dot' } },
};

/** A user's key as publishers use it. */
export interface UserKey {
  /** The user's pseudonym: the message key and the key's name, never the user id. */
  subject: string;
  key: Buffer;
}

/**
 * The keys events are sealed with, one per user. `forget` deletes a user's key; a later event
 * of that user gets a new one, so their history starts fresh.
 */
export interface UserKeyVault {
  /** The pseudonym of a user: stable, not reversible without the secret. */
  subjectOf(userId: string): string;
  /** Each user's key, created for those that have none (what publishers call). */
  keysForWriting(userIds: readonly string[]): Promise<Map<string, UserKey>>;
  /** The keys that exist among `subjects`, by subject; a forgotten user's is absent. */
  keysForReading(subjects: readonly string[]): Promise<Map<string, Buffer>>;
  /** Deletes the user's key. True when there was one. */
  forget(userId: string): Promise<boolean>;
}

/** Options of {@link createUserKeyVault}. */
export interface UserKeyVaultOptions {
  store: VectorStore;
  /**
   * Keys the pseudonyms (HMAC-SHA-256). Every service of one deployment must share it. Without
   * one, a pseudonym is a plain SHA-256 of the id: still no id in the clear, but anyone who
   * guesses an id can confirm it.
   */
  pseudonymSecret?: string | undefined;
}

/**
 * The user's subject (pseudonym) for a pseudonym secret: what a vault's `subjectOf` gives, for a
 * service that needs subjects without holding keys (matching forget notices to users).
 */
export function pseudonymizer(secret: string | undefined): (userId: string) => string {
  // 128 bits of the digest: collisions are out of reach, and Kafka keys stay short.
  if (secret === undefined || secret === '') {
    return (userId) =>
      createHash('sha256').update(`tailor-user\0${userId}`).digest('base64url').slice(0, 22);
  }
  return (userId) => createHmac('sha256', secret).update(userId).digest('base64url').slice(0, 22);
}

function keyOf(payload: Record<string, unknown>): Buffer | undefined {
  const encoded = payload['key'];
  if (typeof encoded !== 'string') return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length === 32 ? key : undefined;
}

/**
 * A vault on the VectorStore port, so it needs nothing the services do not already have: the
 * embedded store (which rewrites its files when points are deleted) or Qdrant.
 */
export async function createUserKeyVault(options: UserKeyVaultOptions): Promise<UserKeyVault> {
  const { store } = options;
  await store.ensureCollection(userKeysCollectionSpec);
  const subjectOf = pseudonymizer(options.pseudonymSecret);
  // One creation at a time in this process, so two batches of one new user agree on its key.
  let creating: Promise<unknown> = Promise.resolve();

  async function read(subjects: readonly string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(subjects)];
    if (unique.length === 0) return new Map();
    const points = await store.retrieve(USER_KEYS_COLLECTION, unique);
    const keys = new Map<string, Buffer>();
    for (const point of points) {
      const key = keyOf(point.payload);
      if (key !== undefined) keys.set(point.id, key);
    }
    return keys;
  }

  async function create(subjects: readonly string[]): Promise<Map<string, Buffer>> {
    const run = creating.then(async () => {
      const existing = await read(subjects);
      const missing = subjects.filter((subject) => !existing.has(subject));
      if (missing.length > 0) {
        await store.upsert(
          USER_KEYS_COLLECTION,
          missing.map((subject) => ({
            id: subject,
            vectors: { [KEY_VECTOR]: [1] },
            payload: { key: randomBytes(32).toString('base64'), createdAt: Date.now() },
          })),
        );
      }
      // Read back what is stored: another replica creating the same user's key at the same
      // moment may have won, and every publisher must seal with the stored key.
      return missing.length === 0 ? existing : read(subjects);
    });
    creating = run.catch(() => undefined);
    return run;
  }

  return {
    subjectOf,
    async keysForWriting(userIds) {
      const subjects = new Map(userIds.map((userId) => [userId, subjectOf(userId)]));
      let keys = await read([...subjects.values()]);
      if (keys.size < new Set(subjects.values()).size) keys = await create([...subjects.values()]);
      const result = new Map<string, UserKey>();
      for (const [userId, subject] of subjects) {
        const key = keys.get(subject);
        if (key === undefined) throw new Error('a user key could not be created');
        result.set(userId, { subject, key });
      }
      return result;
    },
    keysForReading: read,
    async forget(userId) {
      const subject = subjectOf(userId);
      const had = (await read([subject])).size > 0;
      await store.delete(USER_KEYS_COLLECTION, { ids: [subject] });
      return had;
    },
  };
}
