import { parseArgs } from 'node:util';

const USAGE = `usage: node services/trainer/dist/cli.js retrain [--url <gateway /graphql>] [--token <JWT>]
  Retrains the collaborative model now through the gateway's retrainModel mutation and prints
  the model in service. --url defaults to http://127.0.0.1:4000/graphql; --token (or the
  TAILOR_TOKEN environment variable) must be a service token when the gateway checks tokens.`;

const RETRAIN = `mutation {
  retrainModel { users interactions durationMs model { version trainedAt items dimension loss } }
}`;

/** Writes to stdout/stderr directly: a CLI's output is its interface, not a log. */
function print(stream: NodeJS.WriteStream, text: string): void {
  stream.write(`${text}\n`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || positionals[0] !== 'retrain') {
    print(values.help === true ? process.stdout : process.stderr, USAGE);
    return values.help === true ? 0 : 2;
  }
  const token = values.token ?? process.env.TAILOR_TOKEN;
  const response = await fetch(values.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query: RETRAIN }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (body.errors !== undefined || !response.ok) {
    print(
      process.stderr,
      `retrain failed (HTTP ${response.status}): ${JSON.stringify(body.errors)}`,
    );
    return 1;
  }
  print(process.stdout, JSON.stringify(body.data, null, 2));
  return 0;
}

process.exitCode = await main().catch((err: unknown) => {
  print(process.stderr, `retrain failed: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
});
