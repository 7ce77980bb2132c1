import { createReadStream, existsSync } from 'node:fs';
import { appendFile, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { Logger } from '@tailor/kit';

import {
  type RecordedEvent,
  recordInteraction,
  type UserInteractions,
} from './domain/interactions.js';

const SNAPSHOT = 'interactions.snapshot.jsonl';
const JOURNAL = 'interactions.journal.jsonl';
/** The snapshot is written in pieces of about this size, not a write per user. */
const WRITE_CHUNK_CHARS = 1 << 20;

/**
 * The trainer's own durable copy of who did what, so retraining never depends on the bus's
 * retention. Users' aggregated histories live in memory; every recorded event is appended to
 * a journal (flushed to disk before the bus offset is committed), and `compact` rewrites the
 * snapshot and empties the journal. At one line per user, the snapshot is compact: a user's
 * history is bounded (see INTERACTION_LIMITS), however long they have been around.
 */
export class InteractionStore {
  private readonly users = new Map<string, UserInteractions>();
  private readonly snapshotPath: string;
  private readonly journalPath: string;
  /** Journal lines since the last compaction. */
  private journalLines = 0;
  /**
   * Recording and compaction take turns: an event recorded while a compaction wrote the
   * snapshot would be in neither the snapshot nor the journal it deletes, and its offset would
   * be committed all the same.
   */
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string | undefined,
    private readonly log: Logger,
  ) {
    this.snapshotPath = dir === undefined ? '' : path.join(dir, SNAPSHOT);
    this.journalPath = dir === undefined ? '' : path.join(dir, JOURNAL);
  }

  /** A store that keeps nothing on disk: for building the schema, never for serving. */
  static inMemory(logger: Logger): InteractionStore {
    return new InteractionStore(undefined, logger);
  }

  /** Opens the store in `dir` (created when missing), reading the snapshot and the journal. */
  static async open(dir: string, logger: Logger): Promise<InteractionStore> {
    await mkdir(dir, { recursive: true });
    const store = new InteractionStore(dir, logger.child({ component: 'interactions' }));
    await store.load();
    return store;
  }

  get userCount(): number {
    return this.users.size;
  }

  /** Every user's history; the caller must not change it. */
  snapshot(): ReadonlyMap<string, UserInteractions> {
    return this.users;
  }

  private async load(): Promise<void> {
    let broken = 0;
    for await (const line of lines(this.snapshotPath)) {
      const parsed = parseUser(line);
      if (parsed === undefined) broken += 1;
      else this.users.set(parsed.key, parsed.user);
    }
    for await (const line of lines(this.journalPath)) {
      const event = parseEvent(line);
      if (event === undefined) broken += 1;
      else this.apply(event);
      this.journalLines += 1;
    }
    // A line cut by a crash mid-append is the only expected damage; it was never committed.
    if (broken > 0) this.log.warn({ broken }, 'unreadable interaction lines skipped');
    this.log.info(
      { users: this.users.size, journalLines: this.journalLines },
      'interactions loaded',
    );
  }

  private apply(event: RecordedEvent): boolean {
    let user = this.users.get(event.user);
    if (user === undefined) {
      user = { affinities: [], recentEventIds: [] };
      this.users.set(event.user, user);
    }
    return recordInteraction(user, event);
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Records events and makes them durable; returns how many were new. */
  record(events: readonly RecordedEvent[]): Promise<number> {
    return this.inTurn(() => this.recordNow(events));
  }

  private async recordNow(events: readonly RecordedEvent[]): Promise<number> {
    const fresh = events.filter((event) => this.apply(event));
    if (fresh.length === 0 || this.dir === undefined) return fresh.length;
    await appendFile(this.journalPath, fresh.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const handle = await open(this.journalPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.journalLines += fresh.length;
    return fresh.length;
  }

  /** Drops users (e.g. forgotten ones) from memory; `compact` then drops them from disk. */
  drop(users: Iterable<string>): number {
    let dropped = 0;
    for (const key of users) if (this.users.delete(key)) dropped += 1;
    return dropped;
  }

  /**
   * Rewrites the snapshot from memory and empties the journal: after it, nothing of a dropped
   * user is left on disk. The new snapshot is renamed over the old one, so a crash leaves one
   * or the other, never half.
   */
  compact(): Promise<void> {
    return this.inTurn(() => this.compactNow());
  }

  private async compactNow(): Promise<void> {
    if (this.dir === undefined) return;
    const temp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    const handle = await open(temp, 'w');
    try {
      let chunk = '';
      for (const [key, user] of this.users) {
        chunk += `${JSON.stringify({ user: key, ...user })}\n`;
        if (chunk.length >= WRITE_CHUNK_CHARS) {
          await handle.write(chunk);
          chunk = '';
        }
      }
      await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.snapshotPath);
    await rm(this.journalPath, { force: true });
    this.journalLines = 0;
  }
}

async function* lines(file: string): AsyncGenerator<string> {
  if (!existsSync(file)) return;
  const reader = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of reader) if (line.trim() !== '') yield line;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function parseEvent(line: string): RecordedEvent | undefined {
  const v = parseJson(line);
  if (v === undefined) return undefined;
  const { eventId, user, subject, itemId, weight, at } = v;
  if (typeof eventId !== 'string' || typeof user !== 'string' || typeof itemId !== 'string') {
    return undefined;
  }
  if (!finite(weight) || !finite(at)) return undefined;
  return {
    eventId,
    user,
    itemId,
    weight,
    at,
    ...(typeof subject === 'string' ? { subject } : {}),
  };
}

function parseUser(line: string): { key: string; user: UserInteractions } | undefined {
  const v = parseJson(line);
  if (v === undefined || typeof v.user !== 'string' || !Array.isArray(v.affinities)) {
    return undefined;
  }
  const affinities = v.affinities.flatMap((a: unknown) => {
    if (typeof a !== 'object' || a === null) return [];
    const { itemId, weight, at } = a as Record<string, unknown>;
    return typeof itemId === 'string' && finite(weight) && finite(at)
      ? [{ itemId, weight, at }]
      : [];
  });
  const recentEventIds = Array.isArray(v.recentEventIds)
    ? v.recentEventIds.filter((id): id is string => typeof id === 'string')
    : [];
  return {
    key: v.user,
    user: {
      affinities,
      recentEventIds,
      ...(typeof v.subject === 'string' ? { subject: v.subject } : {}),
    },
  };
}
