import type { ProfilePayload, StoredPoint } from '@tailor/kit';
import { waitFor } from '@tailor/kit/testing';
import type { ServiceProcess } from '@tailor/mesh';

import type { ContractEvent } from './broker.js';

/**
 * The session timeout (KAFKA_SESSION_TIMEOUT_MS) of the processes these suites kill: a restarted
 * member waits for the killed one to miss its session before the group hands it the partitions,
 * so shorter than the 30 s default makes the test quicker, and long enough that a busy machine
 * does not drop live members.
 */
export const KILLED_SESSION_TIMEOUT_MS = 10_000;
/** The wait for a restarted member to take over and commit the whole stream. */
export const RESTART_WAIT = { timeoutMs: 120_000, intervalMs: 100 } as const;

/** What a frozen profiles process had done: events counted, and where its store is ahead. */
export interface Frozen {
  counted: number;
  /**
   * Partitions where the store holds an event the group has not committed: killed now, the
   * process gets those events again at restart, and only the offsets kept with each profile
   * stop them counting twice.
   */
  ahead: number[];
}

/** {@link Frozen} from the stored profiles and the group's committed offsets. */
export function frozenState(
  profiles: readonly StoredPoint[],
  committed: ReadonlyMap<number, bigint>,
): Frozen {
  let counted = 0;
  const ahead = new Set<number>();
  for (const point of profiles) {
    const payload = point.payload as unknown as ProfilePayload;
    counted += payload.eventCount;
    for (const [partition, offset] of Object.entries(payload.offsets)) {
      if (BigInt(offset) >= (committed.get(Number(partition)) ?? -1n)) {
        ahead.add(Number(partition));
      }
    }
  }
  return { counted, ahead: [...ahead].sort() };
}

/** What {@link killMidStream} needs to drive one stream into one profiles process. */
export interface KillMidStreamOptions {
  profiles: ServiceProcess;
  chunks: readonly (readonly ContractEvent[])[];
  produce(chunk: readonly ContractEvent[]): Promise<void>;
  /** Reads what the (frozen) process has stored and the group has committed. */
  inspect(): Promise<Frozen>;
  /** True once the process has applied some event: a kill after it is mid-stream. */
  countedSome(): Promise<boolean>;
}

/** Where the stream was when the process was killed. */
export interface KilledAt {
  frozen: Frozen;
  sent: number;
}

const FIRST_COUNT_WAIT = { timeoutMs: 60_000, intervalMs: 50 } as const;

/**
 * Sends the chunks one by one; after each, freezes the process (SIGSTOP) and looks at what it has
 * done. Caught with its store ahead of the group (the moment a restart could count events
 * twice) it is killed with SIGKILL, else it goes on (SIGCONT). Never caught so, it is killed
 * before the last chunk anyway, once it has counted something. The rest of the stream is sent
 * while it is dead.
 */
export async function killMidStream(options: KillMidStreamOptions): Promise<KilledAt> {
  const { profiles, chunks } = options;
  const freezeAndInspect = async () => {
    profiles.kill('SIGSTOP');
    await profiles.stopped();
    return options.inspect();
  };
  let sent = 0;
  let killed: KilledAt | undefined;
  for (const [index, chunk] of chunks.entries()) {
    if (killed === undefined && index === chunks.length - 1) {
      await waitFor(() => options.countedSome(), {
        ...FIRST_COUNT_WAIT,
        description: 'the profiles process to count its first events',
      });
      killed = { frozen: await freezeAndInspect(), sent };
      profiles.kill('SIGKILL');
    }
    await options.produce(chunk);
    sent += chunk.length;
    if (killed !== undefined) continue;
    const seen = await freezeAndInspect();
    if (seen.counted > 0 && seen.ahead.length > 0) {
      killed = { frozen: seen, sent };
      profiles.kill('SIGKILL');
    } else {
      profiles.kill('SIGCONT');
    }
  }
  if (killed === undefined) throw new Error('the stream ended before the process was killed');
  return killed;
}
