#!/usr/bin/env node
// The root commands (`npm start`, `npm test`, …). They must work on a fresh clone with only Node
// installed, so this file uses nothing but Node's standard library: it installs the workspace
// with the pinned pnpm when node_modules is missing or older than the lockfile, builds with tsc
// (which emits the decorator metadata type-graphql needs), then does the asked thing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PNPM = 'pnpm@10.34.9';

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
  // The feed page is a browser bundle, not tsc output: esbuild writes it to graph/dist/public.
  must(process.execPath, [join(root, 'graph', 'dist', 'scripts', 'build-feed.js')]);
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
  for (const group of ['services', 'graph', 'tests']) {
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
      'generate',
      'pgen',
      'train',
      'embed',
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
    must(process.execPath, [join(root, 'graph', 'dist', 'compose.js'), ...rest]);
    break;
  default:
    console.error(
      `tailor: unknown command ${command} (start, test, build, check, fix, compose, bench)`,
    );
    process.exit(2);
}
