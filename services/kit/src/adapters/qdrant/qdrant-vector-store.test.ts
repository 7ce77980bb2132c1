import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { Agent as HttpAgent, type ClientRequest, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';

import { QdrantClient } from '@qdrant/js-client-rest';
import { v5 as uuidv5 } from 'uuid';

import { TailorError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import type { CollectionSpec, VectorStore } from '../../ports/vector-store.js';
import { describeVectorStoreConformance, qdrantForTests } from '../../testing/index.js';
import { QDRANT_ID_NAMESPACE, qdrantIdLookups, toQdrantId } from './ids.js';
import { createQdrantVectorStore } from './qdrant-vector-store.js';

const qdrant = await qdrantForTests();

after(async () => {
  if (qdrant.available) await qdrant.stop();
});

describeVectorStoreConformance(
  'qdrant',
  async () => {
    if (!qdrant.available) throw new Error(qdrant.skip);
    const url = qdrant.address;
    const created = new Set<string>();
    const opened: VectorStore[] = [];
    const open = async (): Promise<VectorStore> => {
      const store = await createQdrantVectorStore({
        url,
        logger: silentLogger(),
        upsertBatchSize: 5,
      });
      opened.push(store);
      return {
        ...store,
        ensureCollection: (spec: CollectionSpec) => {
          created.add(spec.name);
          return store.ensureCollection(spec);
        },
      };
    };
    const store = await open();
    return {
      store,
      // The server keeps the collections, so a new store over it sees them.
      reopen: open,
      cleanup: async () => {
        await Promise.allSettled(opened.map((s) => s.close()));
        const client = new QdrantClient({ url, checkCompatibility: false });
        for (const name of created) await client.deleteCollection(name);
      },
    };
  },
  qdrant.available ? {} : { skip: qdrant.skip },
);

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** An answer of the stub; `hang` never answers, as a stalled server would not. */
type Reply = { status?: number; body: unknown; hang?: boolean };

/**
 * A stand-in for Qdrant's REST API that records each request and answers from `reply`: what the
 * adapter sends, and what it makes of Qdrant's answers, checked without a server.
 */
async function stubQdrant(reply: (request: RecordedRequest) => Reply | undefined) {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const text = Buffer.concat(chunks).toString('utf8');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      const answer =
        request.path === '/'
          ? { body: { title: 'qdrant - stub', version: '1.15.0' } }
          : (reply(request) ?? { status: 404, body: { status: { error: 'Not found: no stub' } } });
      if (request.path !== '/') requests.push(request);
      if (answer.hang === true) return;
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const ok = (result: unknown): Reply => ({ body: { result, status: 'ok', time: 0 } });

function collectionInfo(
  vectors: Record<string, { size: number; distance: string }>,
  payloadSchema = {},
) {
  return ok({
    status: 'green',
    optimizer_status: 'ok',
    segments_count: 1,
    points_count: 0,
    config: { params: { vectors } },
    payload_schema: payloadSchema,
  });
}

const updated = ok({ operation_id: 1, status: 'completed' });

describe('Qdrant vector store, against a stub of the REST API', () => {
  describe('when upserting', () => {
    it('sends batches of upsertBatchSize that wait, with UUIDv5 ids and the original id in the payload', async () => {
      const stub = await stubQdrant((r) => {
        if (r.method === 'GET' && r.path === '/collections/items')
          return collectionInfo({ v: { size: 2, distance: 'Dot' } });
        if (r.method === 'PUT' && r.path === '/collections/items/points') return updated;
        return undefined;
      });
      try {
        const store = await createQdrantVectorStore({
          url: stub.url,
          logger: silentLogger(),
          upsertBatchSize: 2,
        });
        const ids = ['a', 'b', 'c', 'd', 'e'];
        await store.upsert(
          'items',
          ids.map((id, i) => ({ id, vectors: { v: new Float32Array([i, 1]) }, payload: { n: i } })),
        );
        const upserts = stub.requests.filter((r) => r.method === 'PUT');
        assert.deepEqual(
          upserts.map((r) => (r.body as { points: unknown[] }).points.length),
          [2, 2, 1],
        );
        assert.ok(
          upserts.every((r) => r.query.get('wait') === 'true'),
          'every upsert waits',
        );
        assert.deepEqual((upserts[0]?.body as { points: unknown[] }).points[0], {
          id: toQdrantId('a'),
          vector: { v: [0, 1] },
          payload: { n: 0, _tailorId: 'a' },
        });
      } finally {
        await stub.close();
      }
    });

    it('refuses a wrong vector size or a reserved payload key before sending anything', async () => {
      const stub = await stubQdrant((r) =>
        r.method === 'GET' && r.path === '/collections/items'
          ? collectionInfo({ content: { size: 3, distance: 'Cosine' } })
          : updated,
      );
      try {
        const store = await createQdrantVectorStore({ url: stub.url, logger: silentLogger() });
        await assert.rejects(
          store.upsert('items', [
            { id: 'ok', vectors: { content: [1, 2, 3] }, payload: {} },
            { id: 'short', vectors: { content: [1, 2] }, payload: {} },
          ]),
          (err: unknown) =>
            err instanceof TailorError &&
            !err.retriable &&
            /vector "content" of collection items has size 3, got 2/.test(err.message),
        );
        await assert.rejects(
          store.upsert('items', [
            { id: 'x', vectors: { content: [1, 2, 3] }, payload: { _tailorId: 'y' } },
          ]),
          /payload key _tailorId is reserved/,
        );
        assert.deepEqual(
          stub.requests.filter((r) => r.method === 'PUT'),
          [],
          'no point of a refused upsert is sent',
        );
      } finally {
        await stub.close();
      }
    });
  });

  describe('when reading points back', () => {
    it('restores string ids, strips the reserved key and returns vectors as Float32Array', async () => {
      const stored = {
        id: toQdrantId('p1'),
        payload: { _tailorId: 'p1', title: 'Shoe' },
        vector: { v: [0.5, 0.25] },
      };
      const stub = await stubQdrant((r) => {
        if (r.method === 'GET' && r.path === '/collections/items')
          return collectionInfo({ v: { size: 2, distance: 'Dot' } });
        if (r.path === '/collections/items/points') return ok([stored]);
        if (r.path === '/collections/items/points/query')
          return ok({ points: [{ ...stored, version: 1, score: 0.75 }] });
        if (r.path === '/collections/items/points/scroll') {
          return ok({ points: [stored], next_page_offset: toQdrantId('p2') });
        }
        return undefined;
      });
      try {
        const store = await createQdrantVectorStore({ url: stub.url, logger: silentLogger() });
        const [retrieved] = await store.retrieve('items', ['p1', 'p1'], { withVectors: true });
        assert.equal(retrieved?.id, 'p1');
        assert.deepEqual(retrieved?.payload, { title: 'Shoe' });
        assert.deepEqual(retrieved?.vectors, { v: new Float32Array([0.5, 0.25]) });
        assert.deepEqual(stub.requests.at(-1)?.body, {
          ids: [toQdrantId('p1')],
          with_payload: true,
          with_vector: true,
        });

        const [found] = await store.search('items', {
          using: 'v',
          vector: [1, 0],
          limit: 3,
          filter: { must: [{ has_id: ['p1'] }] },
        });
        assert.deepEqual(found, { id: 'p1', payload: { title: 'Shoe' }, score: 0.75, version: 1 });
        assert.deepEqual(stub.requests.at(-1)?.body, {
          query: [1, 0],
          using: 'v',
          limit: 3,
          with_payload: true,
          with_vector: false,
          filter: { must: [{ has_id: [toQdrantId('p1')] }] },
        });

        const page = await store.scroll('items', { limit: 1 });
        assert.equal(page.nextCursor, toQdrantId('p2'));
        await store.scroll('items', { limit: 1, cursor: page.nextCursor ?? undefined });
        assert.equal((stub.requests.at(-1)?.body as { offset?: unknown }).offset, toQdrantId('p2'));
      } finally {
        await stub.close();
      }
    });
  });

  describe('when hits come without payload', () => {
    it('names them from the ids it has mapped, and reads the others in one retrieve', async () => {
      // Hashed here, not by the adapter, so it has never mapped these two.
      const unseen = ['cold-1', 'cold-2'].map((id) => ({
        id,
        point: uuidv5(id, QDRANT_ID_NAMESPACE),
      }));
      const hit = (point: string, version: number) => ({ id: point, version, score: 0.5 });
      const stub = await stubQdrant((r) => {
        if (r.method === 'GET' && r.path === '/collections/items')
          return collectionInfo({ v: { size: 2, distance: 'Dot' } });
        if (r.path === '/collections/items/points/query/batch') {
          return ok([
            { points: [hit(toQdrantId('warm'), 3), hit(unseen[0]!.point, 4)] },
            { points: [hit(unseen[1]!.point, 5), hit(unseen[0]!.point, 4)] },
          ]);
        }
        if (r.path === '/collections/items/points') {
          return ok(unseen.map(({ id, point }) => ({ id: point, payload: { _tailorId: id } })));
        }
        return undefined;
      });
      try {
        const store = await createQdrantVectorStore({ url: stub.url, logger: silentLogger() });
        const search = { using: 'v', vector: [1, 0], limit: 2, withPayload: false } as const;
        const read = () =>
          store.readMany('items', [
            { kind: 'search', request: search },
            { kind: 'search', request: search },
          ]);
        const before = qdrantIdLookups();
        const answers = await read();
        assert.deepEqual(
          answers.map((a) => a.points.map((p) => [p.id, (p as { version: number }).version])),
          [
            [
              ['warm', 3],
              ['cold-1', 4],
            ],
            [
              ['cold-2', 5],
              ['cold-1', 4],
            ],
          ],
        );
        const sent = stub.requests.filter(
          (r) => r.path === '/collections/items/points/query/batch',
        );
        assert.deepEqual(
          (sent[0]?.body as { searches: { with_payload: unknown }[] }).searches.map(
            (s) => s.with_payload,
          ),
          [false, false],
          'no payload asked',
        );
        const lookups = stub.requests.filter((r) => r.path === '/collections/items/points');
        assert.deepEqual(
          lookups.map((r) => r.body),
          [{ ids: unseen.map((u) => u.point), with_payload: ['_tailorId'], with_vector: false }],
        );
        assert.deepEqual(qdrantIdLookups(), {
          calls: before.calls + 1,
          points: before.points + 2,
        });

        await read();
        assert.equal(
          stub.requests.filter((r) => r.path === '/collections/items/points').length,
          1,
          'ids read once are known the next time',
        );
      } finally {
        await stub.close();
      }
    });
  });

  describe('when choosing how requests travel', () => {
    it('sends every call through node:http on the store agent, never through fetch or undici', async () => {
      const stored = { id: toQdrantId('p1'), payload: { _tailorId: 'p1' } };
      let exists = false;
      const stub = await stubQdrant((r) => {
        if (r.path === '/collections/items/exists') return ok({ exists });
        if (r.method === 'PUT' && r.path === '/collections/items') {
          exists = true;
          return ok(true);
        }
        if (r.method === 'GET' && r.path === '/collections/items')
          return collectionInfo({ v: { size: 2, distance: 'Dot' } });
        if (r.path === '/collections/items/index') return updated;
        if (r.method === 'PUT' && r.path.startsWith('/collections/items/points')) return updated;
        if (r.path === '/collections/items/points') return ok([stored]);
        if (r.path === '/collections/items/points/query')
          return ok({ points: [{ ...stored, version: 1, score: 1 }] });
        if (r.path === '/collections/items/points/scroll')
          return ok({ points: [stored], next_page_offset: null });
        if (r.path === '/collections/items/points/count') return ok({ count: 1 });
        if (r.path === '/collections/items/points/delete') return updated;
        return undefined;
      });
      // Node publishes every answer its http client gets, and undici (Node's own fetch included)
      // every request it creates, on these channels: what travels where, seen by construction.
      const agent = new HttpAgent({ keepAlive: true });
      const onAgent: string[] = [];
      const elsewhere: string[] = [];
      const onHttp = (message: unknown) => {
        const { request } = message as { request: ClientRequest };
        const line = `${request.method} ${request.path.split('?')[0]}`;
        const ours = Object.values(agent.sockets).some((sockets) =>
          sockets?.includes(request.socket as Socket),
        );
        (ours ? onAgent : elsewhere).push(line);
      };
      const onUndici = (message: unknown) => {
        const { request } = message as { request: { origin: unknown; path: string } };
        elsewhere.push(`undici ${String(request.origin)}${request.path}`);
      };
      diagnostics.subscribe('http.client.response.finish', onHttp);
      diagnostics.subscribe('undici:request:create', onUndici);
      try {
        const store = await createQdrantVectorStore({
          url: stub.url,
          logger: silentLogger(),
          agent,
        });
        await store.ensureCollection({
          name: 'items',
          vectors: { v: { size: 2, distance: 'dot' } },
          payloadIndexes: { category: 'keyword' },
        });
        await store.upsert('items', [{ id: 'p1', vectors: { v: [1, 0] }, payload: {} }]);
        await store.updateVectors('items', [{ id: 'p1', vectors: { v: [0, 1] } }]);
        await store.retrieve('items', ['p1']);
        await store.search('items', { using: 'v', vector: [1, 0], limit: 1 });
        await store.scroll('items', { limit: 1 });
        await store.count('items');
        await store.delete('items', { ids: ['p1'] });
        await store.close();
        assert.deepEqual(onAgent, [
          'GET /',
          'GET /collections/items/exists',
          'PUT /collections/items',
          'GET /collections/items',
          'PUT /collections/items/index',
          'PUT /collections/items/points',
          'POST /collections/items/points',
          'PUT /collections/items/points/vectors',
          'POST /collections/items/points',
          'POST /collections/items/points/query',
          'POST /collections/items/points/scroll',
          'POST /collections/items/points/count',
          'POST /collections/items/points/delete',
        ]);
        assert.deepEqual(elsewhere, [], 'no call goes through fetch, undici or another agent');
      } finally {
        diagnostics.unsubscribe('http.client.response.finish', onHttp);
        diagnostics.unsubscribe('undici:request:create', onUndici);
        agent.destroy();
        await stub.close();
      }
    });
  });

  describe('when ensuring a collection', () => {
    it('creates named vectors and the missing payload indexes', async () => {
      let exists = false;
      const stub = await stubQdrant((r) => {
        if (r.path === '/collections/profiles/exists') return ok({ exists });
        if (r.method === 'PUT' && r.path === '/collections/profiles') {
          exists = true;
          return ok(true);
        }
        if (r.method === 'GET' && r.path === '/collections/profiles') {
          return collectionInfo(
            { long: { size: 4, distance: 'Dot' }, short: { size: 4, distance: 'Cosine' } },
            { userId: { data_type: 'keyword', points: 0 } },
          );
        }
        if (r.method === 'PUT' && r.path === '/collections/profiles/index') return updated;
        return undefined;
      });
      try {
        const store = await createQdrantVectorStore({ url: stub.url, logger: silentLogger() });
        await store.ensureCollection({
          name: 'profiles',
          vectors: { long: { size: 4, distance: 'dot' }, short: { size: 4, distance: 'cosine' } },
          payloadIndexes: { userId: 'keyword', eventCount: 'integer' },
        });
        const create = stub.requests.find(
          (r) => r.method === 'PUT' && r.path === '/collections/profiles',
        );
        assert.deepEqual(create?.body, {
          vectors: { long: { size: 4, distance: 'Dot' }, short: { size: 4, distance: 'Cosine' } },
        });
        const indexes = stub.requests.filter((r) => r.path === '/collections/profiles/index');
        assert.deepEqual(
          indexes.map((r) => r.body),
          [{ field_name: 'eventCount', field_schema: 'integer' }],
          'only the index that is missing',
        );
      } finally {
        await stub.close();
      }
    });

    it('refuses a collection that exists with other vectors', async () => {
      const stub = await stubQdrant((r) => {
        if (r.path === '/collections/items/exists') return ok({ exists: true });
        if (r.method === 'GET' && r.path === '/collections/items')
          return collectionInfo({ v: { size: 64, distance: 'Cosine' } });
        return undefined;
      });
      try {
        const store = await createQdrantVectorStore({ url: stub.url, logger: silentLogger() });
        await assert.rejects(
          store.ensureCollection({
            name: 'items',
            vectors: { v: { size: 128, distance: 'cosine' } },
          }),
          /exists with vector "v" as size 64, Cosine, not size 128, Cosine/,
        );
      } finally {
        await stub.close();
      }
    });
  });

  describe('when Qdrant refuses or fails', () => {
    it('reports a refused request as not retriable and a failing server as retriable', async () => {
      let status = 400;
      const stub = await stubQdrant((r) =>
        r.path === '/collections/items/points/count'
          ? { status, body: { status: { error: 'Wrong input: bad filter' }, time: 0 } }
          : undefined,
      );
      try {
        const store = await createQdrantVectorStore({ url: stub.url, logger: silentLogger() });
        await assert.rejects(
          store.count('items'),
          (err: unknown) =>
            err instanceof TailorError &&
            !err.retriable &&
            err.message ===
              'Qdrant: counting in collection items failed (HTTP 400): Wrong input: bad filter',
        );
        status = 503;
        await assert.rejects(
          store.count('items'),
          (err: unknown) => err instanceof TailorError && err.retriable,
        );
      } finally {
        await stub.close();
      }
    });

    it('gives up on a call Qdrant does not answer within requestTimeoutMs, as retriable', async () => {
      const stub = await stubQdrant((r) =>
        r.path === '/collections/items/points/count' ? { body: null, hang: true } : undefined,
      );
      try {
        const store = await createQdrantVectorStore({
          url: stub.url,
          logger: silentLogger(),
          // Long enough for the stub's other answers on a loaded machine (the bound applies to
          // every call, opening the store's included); the hung call waits it out either way.
          requestTimeoutMs: 1_000,
        });
        await assert.rejects(
          store.count('items'),
          (err: unknown) =>
            err instanceof TailorError &&
            err.retriable &&
            err.message === 'Qdrant: counting in collection items failed: no answer within 1000 ms',
        );
        await store.close();
      } finally {
        await stub.close();
      }
    });

    it('fails to open, as retriable, when nothing listens at the URL', async () => {
      const stub = await stubQdrant(() => undefined);
      await stub.close();
      await assert.rejects(
        createQdrantVectorStore({ url: stub.url, logger: silentLogger() }),
        (err: unknown) =>
          err instanceof TailorError && err.retriable && /reaching/.test(err.message),
      );
    });
  });
});
