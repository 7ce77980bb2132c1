import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { RECORD_EVENTS, type RecordEventsData } from './graph.js';
import { graphql, startTestMesh, type TestMesh } from './harness.js';

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Posts a raw body, as a careless or hostile client would, and reads whatever comes back. */
async function post(url: string, body: string, accept = 'application/json'): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    body: JSON.parse(text) as Answer['body'],
  };
}

function codeOf(answer: Answer): unknown {
  return answer.body.errors?.[0]?.extensions?.['code'];
}

const ACCEPTS = ['application/json', 'application/graphql-response+json'];

describe('the gateway protocol (GraphQL over HTTP)', () => {
  let t: TestMesh;
  let url: string;

  before(async () => {
    t = await startTestMesh({
      GRAPHQL_MAX_ALIASES: '3',
      GRAPHQL_MAX_TOKENS: '200',
      // Small enough that a legal batch crosses it, so the subgraph's refusal shows.
      EVENTS_MAX_BODY_BYTES: '4096',
      MESH_SEED_DEMO_USERS: 'false',
    });
    url = t.mesh.gatewayUrl;
  });
  after(async () => {
    await t.destroy();
  });

  for (const accept of ACCEPTS) {
    describe(`when the client accepts ${accept}`, () => {
      it('answers a syntax error with 400 and GRAPHQL_PARSE_FAILED', async () => {
        const answer = await post(url, JSON.stringify({ query: '{' }), accept);
        assert.equal(answer.status, 400);
        assert.equal(codeOf(answer), 'GRAPHQL_PARSE_FAILED');
      });

      it('answers a query over the token limit with 400 and MAX_TOKENS_EXCEEDED', async () => {
        const query = `{ ${'__typename '.repeat(300)}}`;
        const answer = await post(url, JSON.stringify({ query }), accept);
        assert.equal(answer.status, 400);
        assert.equal(codeOf(answer), 'MAX_TOKENS_EXCEEDED');
        assert.match(answer.body.errors?.[0]?.message ?? '', /GRAPHQL_MAX_TOKENS/);
        assert.doesNotMatch(answer.body.errors?.[0]?.message ?? '', /Syntax Error/);
      });

      it('answers two operations without operationName with 400, not a server error', async () => {
        const query = 'query A { __typename } query B { __typename }';
        const answer = await post(url, JSON.stringify({ query }), accept);
        assert.equal(answer.status, 400);
        assert.equal(codeOf(answer), 'OPERATION_RESOLUTION_FAILURE');
        const named = await post(url, JSON.stringify({ query, operationName: 'B' }), accept);
        assert.equal(named.status, 200);
        assert.deepEqual(named.body.data, { __typename: 'Query' });
      });
    });
  }

  it('counts __typename aliases against GRAPHQL_MAX_ALIASES', async () => {
    const query = `{ ${Array.from({ length: 5 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const answer = await post(url, JSON.stringify({ query }));
    assert.equal(answer.status, 400);
    assert.equal(codeOf(answer), 'MAX_ALIASES_EXCEEDED');
    assert.match(answer.body.errors?.[0]?.message ?? '', /GRAPHQL_MAX_ALIASES/);
  });

  it('answers a body that is not JSON with a GraphQL-shaped 400', async () => {
    const answer = await post(url, 'not json');
    assert.equal(answer.status, 400);
    assert.equal(codeOf(answer), 'BAD_REQUEST');
  });

  it('answers a body over GATEWAY_MAX_BODY_BYTES with a GraphQL-shaped 413', async () => {
    const answer = await post(
      url,
      JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(1_100_000) }),
    );
    assert.equal(answer.status, 413);
    assert.equal(codeOf(answer), 'PAYLOAD_TOO_LARGE');
    assert.match(answer.body.errors?.[0]?.message ?? '', /GATEWAY_MAX_BODY_BYTES/);
  });

  it('passes a subgraph body refusal on as PAYLOAD_TOO_LARGE without internal addresses', async () => {
    const events = Array.from({ length: 40 }, (_, i) => ({
      eventId: `protocol-${i}-${'x'.repeat(60)}`,
      userId: 'protocol-user',
      itemId: 'books-001',
      type: 'VIEW',
    }));
    const answer = await post(url, JSON.stringify({ query: RECORD_EVENTS, variables: { events } }));
    assert.ok(answer.status < 500, `status ${answer.status}`);
    assert.equal(codeOf(answer), 'PAYLOAD_TOO_LARGE');
    assert.doesNotMatch(answer.text, /127\.0\.0\.1|localhost|https?:\/\//);
    assert.equal(answer.body.errors?.[0]?.extensions?.['response'], undefined);
  });

  describe('when event ids would not round-trip through Kafka', () => {
    for (const [what, userId] of [
      ['a lone surrogate', 'user-\ud800'],
      ['NUL', 'user\u0000'],
      ['a bidi override', 'user\u202e'],
    ] as const) {
      it(`refuses an id with ${what} on its field, through GraphQL and REST alike`, async () => {
        const events = [
          { eventId: `ok-${what}`, userId: 'id-user', itemId: 'books-001', type: 'VIEW' },
          { userId, itemId: 'books-001', type: 'VIEW' },
        ];
        const result = await graphql<RecordEventsData>(url, RECORD_EVENTS, { events });
        assert.equal(result.data?.recordEvents.accepted, 1);
        assert.deepEqual(
          result.data?.recordEvents.errors.map(({ index, field }) => ({ index, field })),
          [{ index: 1, field: 'userId' }],
        );
        const rest = await fetch(t.mesh.subgraphUrls.events.replace(/\/graphql$/, '/v1/events'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify([{ userId, itemId: 'books-001', type: 'view' }]),
        });
        assert.equal(rest.status, 400);
        const body = (await rest.json()) as { accepted: number; errors: { field: string }[] };
        assert.equal(body.accepted, 0);
        assert.equal(body.errors[0]?.field, 'userId');
      });
    }

    it('answers an over-long id without echoing it', async () => {
      const events = [{ userId: 'u'.repeat(10_000), itemId: 'books-001', type: 'VIEW' }];
      const answer = await post(
        url,
        JSON.stringify({ query: RECORD_EVENTS, variables: { events } }),
      );
      assert.ok(answer.text.length < 1_000, `answer of ${answer.text.length} characters`);
    });

    it('counts an eventId repeated within one batch once', async () => {
      const event = { eventId: 'twice-1', userId: 'twice-user', itemId: 'books-001', type: 'VIEW' };
      const result = await graphql<RecordEventsData>(url, RECORD_EVENTS, {
        events: [event, event],
      });
      assert.equal(result.data?.recordEvents.accepted, 1);
      assert.deepEqual(result.data?.recordEvents.eventIds, ['twice-1']);
    });
  });
});
