import { TailorError } from '../../errors.js';

interface HttpErrorShape {
  message?: unknown;
  status?: unknown;
  data?: unknown;
}

function shape(err: unknown): HttpErrorShape {
  return typeof err === 'object' && err !== null ? (err as HttpErrorShape) : {};
}

/** HTTP status of a failed Qdrant call, when the server answered. */
export function qdrantStatus(err: unknown): number | undefined {
  const { status } = shape(err);
  return typeof status === 'number' ? status : undefined;
}

/**
 * Whether the same call may succeed later: the server was unreachable, slow, overloaded or
 * failing (timeouts, 408, 429, 5xx). Any other answer (bad request, not found, conflict) means
 * the request itself is wrong and will be refused again.
 */
export function qdrantRetriable(err: unknown): boolean {
  const status = qdrantStatus(err);
  // No answer at all (refused connection, timeout): the server may be back later.
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Qdrant's own explanation from an error body `{ status: { error } }`, else the message. */
function detail(err: unknown): string {
  const { data, message } = shape(err);
  if (typeof data === 'object' && data !== null && 'status' in data) {
    const status: unknown = data.status;
    if (
      typeof status === 'object' &&
      status !== null &&
      'error' in status &&
      typeof status.error === 'string'
    ) {
      return status.error;
    }
  }
  if (typeof message === 'string' && message !== '') return message;
  return String(err);
}

/** Wraps a failed Qdrant call in a {@link TailorError} that says what was being done. */
export function qdrantError(doing: string, err: unknown): TailorError {
  if (err instanceof TailorError) return err;
  const status = qdrantStatus(err);
  const code = status === undefined ? '' : ` (HTTP ${status})`;
  return new TailorError(`Qdrant: ${doing} failed${code}: ${detail(err)}`, {
    retriable: qdrantRetriable(err),
    cause: err,
  });
}
