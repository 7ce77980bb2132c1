import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';

import { VECTOR_STORE_OPERATIONS, type VectorStore } from '../ports/vector-store.js';
import { withSpan } from './spans.js';
import { tracingActive } from './tracing.js';

/** The calls that become spans: every data operation of the port (not `close`). */
const OPERATIONS: ReadonlySet<string> = new Set(VECTOR_STORE_OPERATIONS);

const BATCHED: ReadonlySet<string> = new Set(['upsert', 'updateVectors', 'retrieve', 'readMany']);

/** How many points or reads a call carries, for `db.operation.batch.size`. */
function batchSize(operation: string, args: readonly unknown[]): number | undefined {
  const second = args[1];
  return BATCHED.has(operation) && Array.isArray(second) ? second.length : undefined;
}

/**
 * `store` whose calls are CLIENT spans (`upsert profiles`, `search items`) with the database
 * semantic conventions: `db.system.name` (`qdrant`, or `tailor.embedded`), the operation and
 * the collection. Only calls made inside a trace get a span: a snapshot timer or a start-up
 * scan makes none. Other properties of the store pass through untouched.
 */
export function tracedStore(store: VectorStore, system: string): VectorStore {
  const wrapped = new Map<string, unknown>();
  const wrap = (operation: string, call: (...args: unknown[]) => Promise<unknown>) => {
    return (...args: unknown[]) => {
      if (!tracingActive()) return call(...args);
      const first = args[0];
      const collection =
        typeof first === 'string'
          ? first
          : typeof (first as { name?: unknown } | undefined)?.name === 'string'
            ? (first as { name: string }).name
            : undefined;
      const size = batchSize(operation, args);
      const attributes: Attributes = {
        [ATTR_DB_SYSTEM_NAME]: system,
        [ATTR_DB_OPERATION_NAME]: operation,
        ...(collection === undefined ? {} : { [ATTR_DB_COLLECTION_NAME]: collection }),
        ...(size === undefined || size < 2 ? {} : { [ATTR_DB_OPERATION_BATCH_SIZE]: size }),
      };
      const name = collection === undefined ? operation : `${operation} ${collection}`;
      return withSpan(name, { kind: SpanKind.CLIENT, attributes, onlyInTrace: true }, () =>
        call(...args),
      );
    };
  };
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      const bound = (value as (...a: unknown[]) => unknown).bind(target);
      if (typeof key !== 'string' || !OPERATIONS.has(key)) return bound;
      let traced = wrapped.get(key);
      if (traced === undefined) {
        traced = wrap(key, bound as (...args: unknown[]) => Promise<unknown>);
        wrapped.set(key, traced);
      }
      return traced;
    },
  });
}
