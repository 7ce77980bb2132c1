#!/usr/bin/env node
// The root commands (`npm start`, `npm test`, …). They must work on a fresh clone with only Node
// installed, so this file uses nothing but Node's standard library: it installs the workspace
// with the pinned pnpm when node_modules is missing or older than the lockfile, builds with tsc
// (which emits the decorator metadata type-graphql needs), then does the asked thing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PNPM = 'pnpm@10.34.9';
/** The services with a subgraph, each committing services/<name>/schema.graphql. */
const SUBGRAPH_SERVICES = ['catalog', 'events', 'profiles', 'recommender', 'generation', 'trainer'];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(command, args, options) {
  const code = run(command, args, options);
  if (code !== 0) process.exit(code);
}

function pnpm(args) {
  must('npx', ['--yes', PNPM, ...args]);
}

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('tailor: installing dependencies with', PNPM);
  pnpm(['install', '--frozen-lockfile']);
}

function tsc(args = []) {
  must(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...args]);
}

function build() {
  tsc();
  // The feed page is a browser bundle, not tsc output: esbuild writes it to apps/feed/dist/public.
  must(process.execPath, [join(root, 'apps', 'feed', 'dist', 'build.js')]);
}

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) findTests(path, out);
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

function testFiles(filters) {
  const dists = [];
  for (const group of ['services', 'apps', 'graph', 'tests']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    if (existsSync(join(base, 'dist'))) dists.push(join(base, 'dist'));
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(base, entry.name, 'dist'))) {
        dists.push(join(base, entry.name, 'dist'));
      }
    }
  }
  const files = dists.flatMap((d) => findTests(d)).sort();
  if (filters.length === 0) return files;
  return files.filter((f) => filters.some((p) => relative(root, f).includes(p)));
}

/**
 * Runs infra/<folder>/start.sh and returns the setting it prints (`KAFKA_BROKERS=…`). A server
 * that was already running belongs to someone else: it is used and never stopped, so only the
 * folders this run started go into `started`.
 */
function startServer(folder, what, started) {
  console.log(`tailor: starting a local ${what} (infra/${folder})`);
  const result = spawnSync('bash', [join(root, 'infra', folder, 'start.sh')], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  process.stderr.write(result.stderr);
  if (result.status !== 0) return undefined;
  if (!/already running/.test(result.stderr)) started.push(folder);
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  const at = line.indexOf('=');
  return { [line.slice(0, at)]: line.slice(at + 1) };
}

function stopServers(started) {
  for (const folder of [...started].reverse()) {
    run('bash', [join(root, 'infra', folder, 'stop.sh')]);
  }
}

/**
 * `npm run start:prod`: Kafka and Qdrant (the given KAFKA_BROKERS and QDRANT_URL, else local
 * ones from infra/), then every service as its own process (services/mesh/dist/prod-main.js).
 * When that ends (Ctrl-C reaches it from the terminal; SIGTERM to this process is passed on),
 * the servers this run started are stopped.
 */
function startProd(args) {
  const env = { ...process.env };
  const started = [];
  const servers = [
    ['KAFKA_BROKERS', 'kafka', 'Kafka broker', 'Java 17 and Maven, or set KAFKA_BROKERS'],
    [
      'QDRANT_URL',
      'qdrant',
      'Qdrant server',
      '../shared/bin/qdrant or QDRANT_BIN, or set QDRANT_URL',
    ],
  ];
  for (const [variable, folder, what, needs] of servers) {
    if (env[variable]?.trim()) continue;
    const setting = startServer(folder, what, started);
    if (setting === undefined) {
      console.error(`tailor: the local ${what} did not start (it needs ${needs})`);
      stopServers(started);
      process.exit(1);
    }
    Object.assign(env, setting);
  }
  const child = spawn(
    process.execPath,
    [join(root, 'services', 'mesh', 'dist', 'prod-main.js'), ...args],
    { cwd: root, env, stdio: 'inherit' },
  );
  // A Ctrl-C at the terminal reaches the child as well (one process group): this process only
  // stays alive to stop the servers after it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code) => {
    stopServers(started);
    process.exit(code ?? 1);
  });
}

const [command = 'start', ...rest] = process.argv.slice(2);
switch (command) {
  case 'build':
    ensureInstalled();
    build();
    break;
  case 'start':
    ensureInstalled();
    build();
    must(process.execPath, [join(root, 'services', 'mesh', 'dist', 'main.js'), ...rest]);
    break;
  case 'start:prod':
    ensureInstalled();
    build();
    startProd(rest);
    break;
  case 'test': {
    ensureInstalled();
    build();
    const files = testFiles(rest);
    if (files.length === 0) {
      console.error('tailor: no test files found');
      process.exit(1);
    }
    const code = run(process.execPath, [
      '--enable-source-maps',
      '--test',
      `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${join(root, 'scripts', 'summary-reporter.mjs')}`,
      '--test-reporter-destination=stdout',
      ...files,
    ]);
    process.exit(code);
    break;
  }
  case 'check':
    ensureInstalled();
    tsc();
    must('npx', ['eslint', '--max-warnings=0', '.']);
    must('npx', ['prettier', '--check', '.']);
    // The docs name paths and sections; a rename that leaves them behind fails here.
    must(process.execPath, [join(root, 'scripts', 'check-docs.mjs')]);
    break;
  case 'fix':
    ensureInstalled();
    must('npx', ['eslint', '--fix', '.']);
    must('npx', ['prettier', '--write', '.']);
    break;
  case 'bench': {
    // Benchmarks, not tests: each prints a table and writes tests/bench/results/<name>.json.
    const [name, ...flags] = rest;
    // `tune` is the quality bench's tuner: it lives beside it and reads the same split.
    const entries = { tune: join('quality', 'tune.js') };
    const benches = [
      'quality',
      'ingest',
      'serve',
      'overload',
      'generate',
      'pgen',
      'train',
      'embed',
      'llm',
      'vectors',
      'loop',
      ...Object.keys(entries),
    ];
    if (!benches.includes(name)) {
      console.error(`tailor: bench needs one of ${benches.join(', ')}`);
      process.exit(2);
    }
    ensureInstalled();
    build();
    const entry = entries[name] ?? join(name, 'main.js');
    must(process.execPath, [join(root, 'tests', 'dist', 'bench', entry), ...flags]);
    break;
  }
  case 'compose':
    ensureInstalled();
    build();
    // Each service prints its SDL file from its classes, then graph/ composes those files.
    for (const service of SUBGRAPH_SERVICES) {
      must(process.execPath, [join(root, 'services', service, 'dist', 'schema-file.js'), ...rest]);
    }
    must(process.execPath, [join(root, 'graph', 'dist', 'compose.js'), ...rest]);
    break;
  default:
    console.error(
      `tailor: unknown command ${command} (start, start:prod, test, build, check, fix, compose, bench)`,
    );
    process.exit(2);
}
