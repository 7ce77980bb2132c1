import { TailorError } from '@tailor/kit';

/**
 * Why the LLM writer did not answer, as a metric label: a small fixed set, so the fallback
 * counter cannot grow a series per error message.
 */
export const FAILURE_REASONS = [
  'timeout',
  'http_error',
  'connection',
  'invalid_output',
  'ungrounded',
  'budget_exhausted',
  'queue_full',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/**
 * The LLM writer gave up. `detail` is what the answer's `fallbackReason` says ("timeout after
 * 800 ms", "http 500", "ungrounded: …"); `reason` is its label.
 */
export class GenerationFailure extends TailorError {
  constructor(
    readonly reason: FailureReason,
    readonly detail: string,
    options: { retriable: boolean; cause?: unknown },
  ) {
    super(detail, options);
  }
}
