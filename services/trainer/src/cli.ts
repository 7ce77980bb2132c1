import { parseArgs } from 'node:util';

const USAGE = `usage: node services/trainer/dist/cli.js retrain [--url <gateway /graphql>] [--token <JWT>] [--no-wait] [--timeout <seconds>]
  Starts a training of the collaborative model through the gateway's retrainModel mutation,
  waits for it (polling modelTraining) and prints how it went; exits 1 when it failed.
  --url defaults to http://127.0.0.1:4000/graphql; --token (or the TAILOR_TOKEN environment
  variable) must be a service token when the gateway checks tokens. --no-wait prints the
  training as started; --timeout (default 3600) bounds the wait.`;

const TRAINING =
  'id reason state startedAt finishedAt users interactions durationMs model { version trainedAt items dimension loss }';
const RETRAIN = `mutation { retrainModel { ${TRAINING} } }`;
const POLL = `query($id: ID!) { modelTraining(id: $id) { ${TRAINING} } }`;
const POLL_INTERVAL_MS = 1_000;

interface Training {
  id: string;
  state: 'RUNNING' | 'PUBLISHED' | 'NOTHING_TO_TRAIN' | 'FAILED';
}

/** Writes to stdout/stderr directly: a CLI's output is its interface, not a log. */
function print(stream: NodeJS.WriteStream, text: string): void {
  stream.write(`${text}\n`);
}

class CliError extends Error {}

async function post<T>(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors !== undefined || !response.ok || body.data === undefined) {
    throw new CliError(`HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:4000/graphql' },
      token: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      timeout: { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || positionals[0] !== 'retrain') {
    print(values.help === true ? process.stdout : process.stderr, USAGE);
    return values.help === true ? 0 : 2;
  }
  const timeoutSeconds = Number(values.timeout);
  if (!(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) {
    print(
      process.stderr,
      `retrain: --timeout must be a positive number of seconds, got ${JSON.stringify(values.timeout)}`,
    );
    return 2;
  }
  const token = values.token ?? process.env.TAILOR_TOKEN;
  let training = (await post<{ retrainModel: Training }>(values.url, token, RETRAIN)).retrainModel;
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!values['no-wait'] && training.state === 'RUNNING') {
    if (Date.now() > deadline) {
      print(
        process.stderr,
        `retrain: training ${training.id} still running after ${timeoutSeconds} s`,
      );
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    const polled = (
      await post<{ modelTraining: Training | null }>(values.url, token, POLL, { id: training.id })
    ).modelTraining;
    if (polled === null)
      throw new CliError(`training ${training.id} is no longer known (trainer restarted?)`);
    training = polled;
  }
  print(process.stdout, JSON.stringify(training, null, 2));
  if (training.state === 'FAILED') {
    print(process.stderr, `retrain failed: training ${training.id} failed (see the trainer's log)`);
    return 1;
  }
  return 0;
}

process.exitCode = await main().catch((err: unknown) => {
  print(process.stderr, `retrain failed: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
});
