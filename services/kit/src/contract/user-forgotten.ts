import { z } from 'zod';

import type { Logger } from '../logger.js';
import type { EventBus, Subscription } from '../ports/event-bus.js';

/**
 * Notices that a user was forgotten, published by the profiles service once `forgetUser` has
 * erased their profile and key: for services that keep something derived from a profile in
 * memory (the recommender's profile cache) and would not otherwise learn of it. Keyed by the
 * user's subject (pseudonym), never the id: the log of forgets names nobody in the clear.
 */
export const USER_FORGOTTEN_TOPIC = 'user-forgotten';

/** Most characters of a subject a notice may carry (a pseudonym is 22). */
const MAX_SUBJECT_LENGTH = 128;

const noticeSchema = z.object({
  subject: z.string().min(1).max(MAX_SUBJECT_LENGTH),
  forgottenAt: z.iso.datetime({ offset: true }),
});

/** One message on {@link USER_FORGOTTEN_TOPIC} (key = subject). */
export type UserForgottenNotice = z.infer<typeof noticeSchema>;

/** Publishes that the user of `subject` was forgotten at `at`. */
export async function publishUserForgotten(
  bus: EventBus,
  subject: string,
  at: Date,
): Promise<void> {
  const notice: UserForgottenNotice = { subject, forgottenAt: at.toISOString() };
  await bus.publish(USER_FORGOTTEN_TOPIC, [{ key: subject, value: JSON.stringify(notice) }]);
}

/** Options of {@link consumeUserForgotten}. */
export interface ConsumeUserForgottenOptions {
  bus: EventBus;
  groupId: string;
  logger: Logger;
  /** Called with each batch's valid notices (one partition's, in log order). */
  handle: (notices: UserForgottenNotice[]) => void;
}

/**
 * Follows {@link USER_FORGOTTEN_TOPIC} on an ephemeral subscription from the beginning: what a
 * notice drops is held in memory, so every start reads the notices again (forgets are rare; a
 * notice about a user not held is a no-op), and one published while the subscription was still
 * joining is not missed. A message that is not a notice is logged and skipped.
 */
export function consumeUserForgotten(options: ConsumeUserForgottenOptions): Promise<Subscription> {
  const log = options.logger.child({ component: 'user-forgotten-consumer' });
  return options.bus.subscribe({
    topic: USER_FORGOTTEN_TOPIC,
    groupId: options.groupId,
    fromBeginning: true,
    ephemeral: true,
    handleBatch: (batch) => {
      const notices: UserForgottenNotice[] = [];
      for (const message of batch.messages) {
        const notice = parseNotice(message.value);
        if (notice === undefined) {
          log.warn(
            { partition: batch.partition, offset: message.offset },
            'skipping a message that is not a forget notice',
          );
        } else {
          notices.push(notice);
        }
      }
      if (notices.length > 0) options.handle(notices);
      return Promise.resolve();
    },
  });
}

function parseNotice(value: string): UserForgottenNotice | undefined {
  try {
    const result = noticeSchema.safeParse(JSON.parse(value));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
