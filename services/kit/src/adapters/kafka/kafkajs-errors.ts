import { TailorError } from '../../errors.js';

interface KafkaJsErrorShape {
  name: string;
  message: string;
  retriable?: unknown;
  cause?: unknown;
  /** Set on KafkaJSAggregateError: one error per topic or partition that failed. */
  errors?: unknown;
}

function isErrorShape(err: unknown): err is KafkaJsErrorShape {
  return typeof err === 'object' && err !== null && 'name' in err && 'message' in err;
}

/** Causes followed at most; kafkajs nests two or three, a cycle must not hang us. */
const MAX_CAUSE_DEPTH = 8;

/**
 * Whether the call may succeed later. When kafkajs gives up retrying it throws a non-retriable
 * error whose cause is what it gave up on (a broker that is down, a leader election), which is
 * still transient for a caller that retries on its own schedule, so the innermost kafkajs error
 * decides. Errors that do not come from kafkajs are assumed transient, as kit's `isRetriable`
 * does.
 */
export function kafkaRetriable(err: unknown, depth = 0): boolean {
  if (!isErrorShape(err)) return true;
  if (isErrorShape(err.cause) && depth < MAX_CAUSE_DEPTH)
    return kafkaRetriable(err.cause, depth + 1);
  // An aggregate (topic creation, for one) is worth retrying only when each part is.
  if (Array.isArray(err.errors) && err.errors.length > 0) {
    return err.errors.every((part) => kafkaRetriable(part, depth + 1));
  }
  return typeof err.retriable === 'boolean' ? err.retriable : true;
}

/** Wraps a kafkajs failure in a {@link TailorError} that says what was being done. */
export function kafkaError(doing: string, err: unknown): TailorError {
  let detail = isErrorShape(err) ? err.message : String(err);
  if (isErrorShape(err) && Array.isArray(err.errors) && err.errors.length > 0) {
    const parts: unknown[] = err.errors;
    detail += ` (${parts.map((part) => (isErrorShape(part) ? part.message : String(part))).join('; ')})`;
  }
  return new TailorError(`Kafka: ${doing} failed: ${detail}`, {
    retriable: kafkaRetriable(err),
    cause: err,
  });
}
