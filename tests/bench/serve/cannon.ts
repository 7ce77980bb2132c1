import autocannon from 'autocannon';

/** Home requests for autocannon: `operation` posted to `url`, the users taking turns. */
export interface HomeLoad {
  url: string;
  operation: string;
  userIds: readonly string[];
  first: number;
}

/**
 * Drives `connections` autocannon connections at `load` for `seconds`, handing each answer's
 * status and latency (ms) to `onAnswer`. `timeoutSeconds` is autocannon's per-request timeout
 * (its default, 10 s, when absent).
 */
export function cannon(
  load: HomeLoad,
  connections: number,
  seconds: number,
  onAnswer: (statusCode: number, ms: number) => void,
  timeoutSeconds?: number,
): Promise<autocannon.Result> {
  const bodies = load.userIds.map((userId) =>
    JSON.stringify({ query: load.operation, variables: { userId, first: load.first } }),
  );
  let turn = 0;
  return new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        connections,
        duration: seconds,
        ...(timeoutSeconds === undefined ? {} : { timeout: timeoutSeconds }),
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({ ...request, body: bodies[turn++ % bodies.length] }),
          },
        ],
      },
      (err, done) => (err === null || err === undefined ? resolve(done) : reject(err)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) =>
      onAnswer(statusCode, responseTime),
    );
  });
}
