import { type EventValidation, mayActFor, type Viewer } from '@tailor/kit';

/**
 * Refuses, as a per-event error on `userId`, a valid event that the viewer may not record: a
 * user token records only its own events. The rest of the batch goes on, as it does for any
 * other invalid event, so one stray event never costs a client its whole batch.
 */
export function ownEventsOnly(viewer: Viewer, validation: EventValidation): EventValidation {
  if (!validation.ok || mayActFor(viewer, validation.event.userId)) return validation;
  return {
    ok: false,
    errors: [
      {
        field: 'userId',
        message:
          viewer.kind === 'user'
            ? `a user token records events only for its own user (${JSON.stringify(viewer.userId)})`
            : 'recording events needs a user or service token',
      },
    ],
  };
}
