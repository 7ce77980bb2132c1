import type { Agent } from 'node:http';

import type { Schemas } from '@qdrant/js-client-rest';

import { CollectionLayoutError, TailorError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type {
  BatchAnswer,
  BatchRead,
  CollectionSpec,
  Distance,
  Filter,
  Payload,
  PayloadSelection,
  PointInput,
  ReadOptions,
  ScoredPoint,
  ScrollPage,
  ScrollRequest,
  SearchRequest,
  StoredPoint,
  Vector,
  VectorStore,
  VectorUpdate,
} from '../../ports/vector-store.js';
import { qdrantError, qdrantStatus } from './errors.js';
import { toOptionalQdrantFilter } from './filter.js';
import {
  countIdLookup,
  knownTailorId,
  rememberTailorId,
  TAILOR_ID_KEY,
  toQdrantId,
} from './ids.js';
import { createQdrantTransport } from './transport.js';

/** Options of {@link createQdrantVectorStore}. */
export interface QdrantVectorStoreOptions {
  /** Base URL of the REST API, e.g. `http://127.0.0.1:6333`. */
  url: string;
  /** Sent as the `api-key` header; required by Qdrant Cloud and secured servers. */
  apiKey?: string;
  logger: Logger;
  /** Most points per upsert request; larger upserts go out as consecutive requests. */
  upsertBatchSize?: number;
  /** Deadline of one request to Qdrant. */
  requestTimeoutMs?: number;
  /**
   * The keep-alive `node:http` Agent every call goes through (an `https.Agent` for an `https:`
   * URL); by default one the store owns and closes. Neither the Qdrant client's `fetch` nor
   * undici is used (see transport.ts for why).
   */
  agent?: Agent;
}

export const QDRANT_STORE_DEFAULTS = {
  upsertBatchSize: 256,
  requestTimeoutMs: 60_000,
} as const;

const DISTANCES: Record<Distance, Schemas['Distance']> = { cosine: 'Cosine', dot: 'Dot' };
const COLLECTION_NAME = /^[A-Za-z0-9._-]{1,255}$/;

type NamedVectors = Map<string, { size: number; distance: Schemas['Distance'] }>;

function invalid(message: string): TailorError {
  return new TailorError(`Qdrant: ${message}`, { retriable: false });
}

function checkCollectionName(name: string): void {
  if (!COLLECTION_NAME.test(name)) {
    throw invalid(
      `collection name ${JSON.stringify(name)} must be 1-255 letters, digits, '.', '_' or '-'`,
    );
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw invalid(`limit must be a positive integer, got ${limit}`);
}

function numbers(vector: Vector): number[] {
  return Array.from(vector);
}

function isVectorParams(value: unknown): value is Schemas['VectorParams'] {
  return (
    typeof value === 'object' &&
    value !== null &&
    'size' in value &&
    typeof value.size === 'number' &&
    'distance' in value &&
    typeof value.distance === 'string'
  );
}

/** The named vectors of a collection as Qdrant describes it; refuses a single unnamed vector. */
function namedVectors(
  collection: string,
  config: Schemas['VectorsConfig'] | undefined,
): NamedVectors {
  const result: NamedVectors = new Map();
  if (config === undefined) return result;
  if (isVectorParams(config)) {
    throw invalid(
      `collection ${collection} has one unnamed vector; Tailor stores named vectors only`,
    );
  }
  for (const [name, params] of Object.entries(config)) {
    if (isVectorParams(params)) result.set(name, { size: params.size, distance: params.distance });
  }
  return result;
}

type QdrantPayload = Schemas['Payload'] | Record<string, unknown> | null | undefined;

/** The caller's id as the point's payload holds it, if the answer brought it. */
function payloadId(stored: QdrantPayload): string | undefined {
  const id = stored?.[TAILOR_ID_KEY];
  return typeof id === 'string' ? id : undefined;
}

/** Qdrant's payload without the reserved id key. */
function fromPayload(stored: QdrantPayload): Payload {
  const { [TAILOR_ID_KEY]: _id, ...payload } = stored ?? {};
  return payload;
}

/** A point of an answer, as this adapter reads it. */
interface QdrantPoint {
  id: Schemas['ExtendedPointId'];
  payload?: QdrantPayload;
  vector?: Schemas['VectorStructOutput'] | Record<string, unknown> | null;
}

/** The callers' ids of an answer's points, by point id (see `namesOf` in the store). */
type Names = ReadonlyMap<string, string>;

/** Named dense vectors as Float32Array; other shapes (sparse, multi) are not Tailor's and are left out. */
function fromVectors(
  vector: Schemas['VectorStructOutput'] | Record<string, unknown> | null | undefined,
): Record<string, Float32Array> {
  const result: Record<string, Float32Array> = {};
  if (vector === null || vector === undefined || Array.isArray(vector)) return result;
  for (const [name, value] of Object.entries(vector)) {
    if (Array.isArray(value) && value.every((x): x is number => typeof x === 'number')) {
      result[name] = Float32Array.from(value);
    }
  }
  return result;
}

function toStored(point: QdrantPoint, withVectors: boolean, names: Names): StoredPoint {
  const pointId = String(point.id);
  // A point Tailor did not write has no id of Tailor's: its own stands in.
  const id = names.get(pointId) ?? pointId;
  const payload = fromPayload(point.payload);
  return withVectors ? { id, payload, vectors: fromVectors(point.vector) } : { id, payload };
}

/**
 * The payload keys to ask for. Qdrant reads a point's whole payload to pick any key of it, so
 * when any is asked the reserved id key comes along for nothing; when none is, none is read and
 * the ids are turned back without it (`namesOf`).
 */
function payloadSelector(selection: PayloadSelection | undefined): boolean | string[] {
  if (selection === undefined || selection === true) return true;
  if (selection === false || selection.length === 0) return false;
  return [...selection, TAILOR_ID_KEY];
}

/** Qdrant's answer to a query by a point id it does not hold. */
function isMissingPoint(err: unknown): boolean {
  if (qdrantStatus(err) !== 404) return false;
  return /No point with id/.test(qdrantError('', err).message);
}

/** Scroll cursors are Qdrant's next offsets: our UUIDs, or integers for points Tailor did not write. */
function encodeCursor(
  offset: Schemas['ExtendedPointId'] | Record<string, unknown> | null | undefined,
): string | null {
  if (typeof offset === 'string') return offset;
  if (typeof offset === 'number') return `#${offset}`;
  return null;
}

function decodeCursor(cursor: string): Schemas['ExtendedPointId'] {
  if (cursor.startsWith('#')) {
    const value = Number(cursor.slice(1));
    if (!Number.isSafeInteger(value) || value < 0)
      throw invalid(`scroll cursor ${JSON.stringify(cursor)} is not one this store gave`);
    return value;
  }
  return cursor;
}

/**
 * The VectorStore port on Qdrant's REST API. Collections use named vectors; string ids become
 * UUIDv5 point ids with the original kept in the payload under `_tailorId` (a reserved key,
 * refused in callers' payloads and stripped from what comes back). A read that asks no payload
 * gets its ids back from those this process has mapped (ids.ts), and reads `_tailorId` only for
 * points it has not. A hit's `version` is Qdrant's point version, the number of the last
 * operation that wrote the point. Writes wait until Qdrant has applied them, so a read right
 * after a write sees it.
 */
export async function createQdrantVectorStore(
  options: QdrantVectorStoreOptions,
): Promise<VectorStore> {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalid(`url ${JSON.stringify(options.url)} is not a URL`);
  }
  const upsertBatchSize = options.upsertBatchSize ?? QDRANT_STORE_DEFAULTS.upsertBatchSize;
  if (!Number.isInteger(upsertBatchSize) || upsertBatchSize < 1) {
    throw invalid(`upsertBatchSize must be a positive integer, got ${upsertBatchSize}`);
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? QDRANT_STORE_DEFAULTS.requestTimeoutMs;
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1) {
    throw invalid(`requestTimeoutMs must be a positive integer, got ${requestTimeoutMs}`);
  }
  const log = options.logger.child({ component: 'qdrant-vector-store' });
  const http = createQdrantTransport({
    baseUrl: url.toString().replace(/\/$/, ''),
    requestTimeoutMs,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.agent === undefined ? {} : { agent: options.agent }),
  });
  const collectionPath = (collection: string, rest = '') =>
    `/collections/${encodeURIComponent(collection)}${rest}`;
  const pointsPath = (collection: string, action = '') =>
    collectionPath(collection, `/points${action}`);
  const getCollection = (collection: string) =>
    http.send<Schemas['CollectionInfo']>('GET', collectionPath(collection));
  try {
    const info = await http.send<Schemas['VersionInfo']>('GET', '/');
    log.info({ url: url.origin, version: info.version }, 'connected to Qdrant');
  } catch (err) {
    throw qdrantError(`reaching ${url.origin}`, err);
  }

  /** Vector sizes per collection, to refuse a wrong size with a message naming the vector. */
  const collections = new Map<string, NamedVectors>();
  let closed = false;

  const assertOpen = () => {
    if (closed) throw invalid('the store is closed');
  };

  /** Runs a call; a 404 drops the cached layout, since the collection may have been deleted. */
  const call = async <T>(collection: string, doing: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      if (qdrantStatus(err) === 404) collections.delete(collection);
      throw qdrantError(`${doing} in collection ${collection}`, err);
    }
  };

  /**
   * The callers' ids of `points`: from the answer's `_tailorId` where it brought one, else from
   * the ids this process has mapped, else (a hit never seen before, or forgotten) from one
   * retrieve of the `_tailorId` of all those points, counted in `qdrantIdLookups`.
   */
  const namesOf = async (collection: string, points: readonly QdrantPoint[]): Promise<Names> => {
    const names = new Map<string, string>();
    const unknown: Schemas['ExtendedPointId'][] = [];
    for (const point of points) {
      const pointId = String(point.id);
      const id = payloadId(point.payload);
      if (id !== undefined) {
        names.set(pointId, id);
        // Filled from answers too, so the next one without payload finds it.
        rememberTailorId(pointId, id);
        continue;
      }
      const known = knownTailorId(pointId);
      if (known !== undefined) names.set(pointId, known);
      else if (!names.has(pointId)) unknown.push(point.id);
    }
    if (unknown.length === 0) return names;
    const distinct = [...new Set(unknown)];
    countIdLookup(distinct.length);
    const records = await call(collection, `reading the ids of ${distinct.length} points`, () =>
      http.send<Schemas['Record'][]>('POST', pointsPath(collection), {
        ids: distinct,
        with_payload: [TAILOR_ID_KEY],
        with_vector: false,
      }),
    );
    for (const record of records) {
      const id = payloadId(record.payload);
      if (id === undefined) continue;
      names.set(String(record.id), id);
      rememberTailorId(String(record.id), id);
    }
    return names;
  };

  const layout = async (collection: string): Promise<NamedVectors> => {
    checkCollectionName(collection);
    const cached = collections.get(collection);
    if (cached !== undefined) return cached;
    const info = await call(collection, 'reading the layout', () => getCollection(collection));
    const vectors = namedVectors(collection, info.config.params.vectors);
    collections.set(collection, vectors);
    return vectors;
  };

  const checkVector = (collection: string, vectors: NamedVectors, name: string, vector: Vector) => {
    const spec = vectors.get(name);
    if (spec === undefined) {
      const known = [...vectors.keys()].join(', ');
      throw invalid(`collection ${collection} has no vector "${name}" (it has: ${known})`);
    }
    if (vector.length !== spec.size) {
      throw invalid(
        `vector "${name}" of collection ${collection} has size ${spec.size}, got ${vector.length}`,
      );
    }
  };

  const ensureIndexes = async (
    spec: CollectionSpec,
    existing: Schemas['CollectionInfo']['payload_schema'],
  ) => {
    for (const [field, kind] of Object.entries(spec.payloadIndexes ?? {})) {
      const current = existing[field];
      if (current !== undefined) {
        if (current.data_type !== kind) {
          log.warn(
            { collection: spec.name, field, existing: current.data_type, wanted: kind },
            'payload index exists with another type; left as it is',
          );
        }
        continue;
      }
      await call(spec.name, `creating the payload index on ${field}`, () =>
        http.send('PUT', collectionPath(spec.name, '/index?wait=true'), {
          field_name: field,
          field_schema: kind,
        }),
      );
      log.info({ collection: spec.name, field, kind }, 'created payload index');
    }
  };

  const ensureCollection = async (spec: CollectionSpec): Promise<void> => {
    assertOpen();
    checkCollectionName(spec.name);
    const wanted = Object.entries(spec.vectors);
    if (wanted.length === 0) throw invalid(`collection ${spec.name} must have at least one vector`);
    for (const [name, vector] of wanted) {
      if (!Number.isInteger(vector.size) || vector.size < 1) {
        throw invalid(
          `vector "${name}" of collection ${spec.name} must have a positive integer size`,
        );
      }
    }
    const { exists } = await call(spec.name, 'checking existence', () =>
      http.send<Schemas['CollectionExistence']>('GET', collectionPath(spec.name, '/exists')),
    );
    if (!exists) {
      const vectors: Record<string, Schemas['VectorParams']> = {};
      for (const [name, vector] of wanted)
        vectors[name] = { size: vector.size, distance: DISTANCES[vector.distance] };
      try {
        await http.send('PUT', collectionPath(spec.name), { vectors });
        log.info({ collection: spec.name, vectors: Object.keys(vectors) }, 'created collection');
      } catch (err) {
        // Another process may have created it since the check: that is the state we want.
        if (qdrantStatus(err) !== 409) throw qdrantError(`creating collection ${spec.name}`, err);
      }
    }
    const info = await call(spec.name, 'reading the layout', () => getCollection(spec.name));
    const existing = namedVectors(spec.name, info.config.params.vectors);
    for (const [name, vector] of wanted) {
      const current = existing.get(name);
      if (
        current === undefined ||
        current.size !== vector.size ||
        current.distance !== DISTANCES[vector.distance]
      ) {
        const found = current === undefined ? 'none' : `size ${current.size}, ${current.distance}`;
        throw new CollectionLayoutError(
          `Qdrant: collection ${spec.name} exists with vector "${name}" as ${found}, not size ` +
            `${vector.size}, ${DISTANCES[vector.distance]}; a changed vector needs a new collection`,
          spec.name,
          name,
        );
      }
    }
    collections.set(spec.name, existing);
    await ensureIndexes(spec, info.payload_schema);
  };

  const upsert = async (collection: string, points: readonly PointInput[]): Promise<void> => {
    assertOpen();
    if (points.length === 0) return;
    const vectors = await layout(collection);
    // Checked in full before the first request, so a refused upsert stores nothing.
    const byId = new Map<string, Schemas['PointStruct']>();
    for (const point of points) {
      if (Object.hasOwn(point.payload, TAILOR_ID_KEY)) {
        throw invalid(
          `payload key ${TAILOR_ID_KEY} is reserved (point ${JSON.stringify(point.id)})`,
        );
      }
      const vector: Record<string, number[]> = {};
      for (const [name, values] of Object.entries(point.vectors)) {
        checkVector(collection, vectors, name, values);
        vector[name] = numbers(values);
      }
      // A later point with the same id replaces an earlier one, as consecutive upserts would.
      byId.delete(point.id);
      byId.set(point.id, {
        id: toQdrantId(point.id),
        vector,
        payload: { ...point.payload, [TAILOR_ID_KEY]: point.id },
      });
    }
    const all = [...byId.values()];
    for (let start = 0; start < all.length; start += upsertBatchSize) {
      const batch = all.slice(start, start + upsertBatchSize);
      await call(collection, `upserting ${batch.length} points`, () =>
        http.send('PUT', pointsPath(collection, '?wait=true'), { points: batch }),
      );
    }
  };

  const updateVectors = async (
    collection: string,
    points: readonly VectorUpdate[],
  ): Promise<void> => {
    assertOpen();
    if (points.length === 0) return;
    const vectors = await layout(collection);
    const byId = new Map<string, Record<string, number[]>>();
    for (const point of points) {
      const vector: Record<string, number[]> = { ...byId.get(point.id) };
      for (const [name, values] of Object.entries(point.vectors)) {
        checkVector(collection, vectors, name, values);
        vector[name] = numbers(values);
      }
      byId.set(point.id, vector);
    }
    const all = [...byId.entries()];
    for (let start = 0; start < all.length; start += upsertBatchSize) {
      const batch = all.slice(start, start + upsertBatchSize);
      // Qdrant refuses the whole request when one id is missing: keep only the existing ones.
      const existing = await call(collection, 'checking points before updating vectors', () =>
        http.send<Schemas['Record'][]>('POST', pointsPath(collection), {
          ids: batch.map(([id]) => toQdrantId(id)),
          with_payload: false,
          with_vector: false,
        }),
      );
      const found = new Set(existing.map((record) => String(record.id)));
      const updates = batch
        .map(([id, vector]) => ({ id: toQdrantId(id), vector }))
        .filter((update) => found.has(String(update.id)));
      if (updates.length === 0) continue;
      await call(collection, `updating vectors of ${updates.length} points`, () =>
        http.send('PUT', pointsPath(collection, '/vectors?wait=true'), { points: updates }),
      );
    }
  };

  const retrieve = async (
    collection: string,
    ids: readonly string[],
    retrieveOptions: ReadOptions = {},
  ): Promise<StoredPoint[]> => {
    assertOpen();
    checkCollectionName(collection);
    if (ids.length === 0) return [];
    const withVectors = retrieveOptions.withVectors ?? false;
    const records = await call(collection, 'retrieving points', () =>
      http.send<Schemas['Record'][]>('POST', pointsPath(collection), {
        ids: [...new Set(ids)].map(toQdrantId),
        with_payload: payloadSelector(retrieveOptions.withPayload),
        with_vector: withVectors,
      }),
    );
    const names = await namesOf(collection, records);
    return records.map((record) => toStored(record, withVectors, names));
  };

  /** The Query API request of a search, checked against the collection's layout. */
  const searchQuery = (
    collection: string,
    vectors: NamedVectors,
    request: SearchRequest,
  ): Schemas['QueryRequest'] => {
    checkLimit(request.limit);
    let query: Schemas['QueryInterface'];
    let lookupFrom: Schemas['LookupLocation'] | undefined;
    if (request.nearPoint === undefined) {
      checkVector(collection, vectors, request.using, request.vector);
      query = numbers(request.vector);
    } else {
      const { id, collection: holder = collection, using = request.using } = request.nearPoint;
      if (!vectors.has(request.using)) checkVector(collection, vectors, request.using, []);
      checkCollectionName(holder);
      query = toQdrantId(id);
      if (holder !== collection || using !== request.using)
        lookupFrom = { collection: holder, vector: using };
    }
    const filter = toOptionalQdrantFilter(request.filter);
    return {
      query,
      using: request.using,
      limit: request.limit,
      with_payload: payloadSelector(request.withPayload),
      with_vector: request.withVectors ?? false,
      ...(filter === undefined ? {} : { filter }),
      ...(lookupFrom === undefined ? {} : { lookup_from: lookupFrom }),
    };
  };

  /** A retrieve as a Query API request: no query, so the points come in id order. */
  const retrieveQuery = (
    ids: readonly string[],
    options: ReadOptions = {},
  ): Schemas['QueryRequest'] => {
    const points = [...new Set(ids)].map(toQdrantId);
    return {
      filter: { must: [{ has_id: points }] },
      limit: points.length,
      with_payload: payloadSelector(options.withPayload),
      with_vector: options.withVectors ?? false,
    };
  };

  const scored = (
    response: Schemas['QueryResponse'],
    withVectors: boolean,
    names: Names,
  ): ScoredPoint[] =>
    response.points.map((point) => ({
      ...toStored(point, withVectors, names),
      score: point.score,
      version: point.version,
    }));

  const search = async (collection: string, request: SearchRequest): Promise<ScoredPoint[]> => {
    assertOpen();
    checkLimit(request.limit);
    const body = searchQuery(collection, await layout(collection), request);
    let response: Schemas['QueryResponse'];
    try {
      response = await http.send<Schemas['QueryResponse']>(
        'POST',
        pointsPath(collection, '/query'),
        body,
      );
    } catch (err) {
      // The port's promise for a reference to a point that is not there: nothing is near it.
      if (request.nearPoint !== undefined && isMissingPoint(err)) return [];
      return call(collection, `searching "${request.using}"`, () => Promise.reject(err));
    }
    return scored(
      response,
      request.withVectors ?? false,
      await namesOf(collection, response.points),
    );
  };

  const readMany = async (
    collection: string,
    reads: readonly BatchRead[],
  ): Promise<BatchAnswer[]> => {
    assertOpen();
    checkCollectionName(collection);
    const vectors = reads.some((read) => read.kind === 'search')
      ? await layout(collection)
      : undefined;
    // Checked in full first, so a bad read sends nothing; empty retrieves need no request.
    const sent: { index: number; body: Schemas['QueryRequest'] }[] = [];
    reads.forEach((read, index) => {
      if (read.kind === 'search')
        sent.push({ index, body: searchQuery(collection, vectors!, read.request) });
      else if (read.ids.length > 0)
        sent.push({ index, body: retrieveQuery(read.ids, read.options) });
    });
    const answers: BatchAnswer[] = reads.map(
      (read) => ({ kind: read.kind, points: [] }) as BatchAnswer,
    );
    if (sent.length === 0) return answers;
    let responses: Schemas['QueryResponse'][];
    try {
      responses = await http.send<Schemas['QueryResponse'][]>(
        'POST',
        pointsPath(collection, '/query/batch'),
        {
          searches: sent.map((s) => s.body),
        },
      );
    } catch (err) {
      // One missing reference point fails the whole batch: the reads alone keep the port's promise.
      const byPoint = reads.some(
        (read) => read.kind === 'search' && read.request.nearPoint !== undefined,
      );
      if (byPoint && isMissingPoint(err)) return readOneByOne(collection, reads);
      return call(collection, `reading ${sent.length} queries`, () => Promise.reject(err));
    }
    // One lookup for every hit of the batch that needs one.
    const names = await namesOf(
      collection,
      responses.flatMap((response) => response.points),
    );
    sent.forEach(({ index }, i) => {
      const read = reads[index]!;
      const response = responses[i] ?? { points: [] };
      answers[index] =
        read.kind === 'search'
          ? { kind: 'search', points: scored(response, read.request.withVectors ?? false, names) }
          : {
              kind: 'retrieve',
              points: response.points.map((point) =>
                toStored(point, read.options?.withVectors ?? false, names),
              ),
            };
    });
    return answers;
  };

  const readOneByOne = async (
    collection: string,
    reads: readonly BatchRead[],
  ): Promise<BatchAnswer[]> => {
    const answers: BatchAnswer[] = [];
    for (const read of reads) {
      answers.push(
        read.kind === 'search'
          ? { kind: 'search', points: await search(collection, read.request) }
          : { kind: 'retrieve', points: await retrieve(collection, read.ids, read.options) },
      );
    }
    return answers;
  };

  const scroll = async (collection: string, request: ScrollRequest): Promise<ScrollPage> => {
    assertOpen();
    checkCollectionName(collection);
    checkLimit(request.limit);
    const filter = toOptionalQdrantFilter(request.filter);
    const withVectors = request.withVectors ?? false;
    const result = await call(collection, 'scrolling', () =>
      http.send<Schemas['ScrollResult']>('POST', pointsPath(collection, '/scroll'), {
        limit: request.limit,
        with_payload: payloadSelector(request.withPayload),
        with_vector: withVectors,
        ...(filter === undefined ? {} : { filter }),
        ...(request.cursor === undefined ? {} : { offset: decodeCursor(request.cursor) }),
      }),
    );
    const names = await namesOf(collection, result.points);
    return {
      points: result.points.map((point) => toStored(point, withVectors, names)),
      nextCursor: encodeCursor(result.next_page_offset),
    };
  };

  const count = async (collection: string, filter?: Filter): Promise<number> => {
    assertOpen();
    checkCollectionName(collection);
    const translated = toOptionalQdrantFilter(filter);
    const result = await call(collection, 'counting', () =>
      http.send<Schemas['CountResult']>('POST', pointsPath(collection, '/count'), {
        exact: true,
        ...(translated === undefined ? {} : { filter: translated }),
      }),
    );
    return result.count;
  };

  const remove = async (
    collection: string,
    selector: { ids: readonly string[] } | { filter: Filter },
  ): Promise<void> => {
    assertOpen();
    checkCollectionName(collection);
    if ('ids' in selector) {
      if (selector.ids.length === 0) return;
      const points = [...new Set(selector.ids)].map(toQdrantId);
      await call(collection, `deleting ${points.length} points`, () =>
        http.send('POST', pointsPath(collection, '/delete?wait=true'), { points }),
      );
      return;
    }
    // An empty filter would select every point: say so in the request rather than rely on it.
    const filter = toOptionalQdrantFilter(selector.filter) ?? {};
    await call(collection, 'deleting by filter', () =>
      http.send('POST', pointsPath(collection, '/delete?wait=true'), { filter }),
    );
  };

  return {
    ensureCollection,
    upsert,
    updateVectors,
    retrieve,
    search,
    readMany,
    scroll,
    count,
    delete: remove,
    close: async () => {
      // Every write already waited for Qdrant to apply it; there is nothing to flush.
      closed = true;
      collections.clear();
      await http.close();
    },
  };
}
