import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { createLogger, type Logger } from '@tailor/kit';

import { type CatalogUnderTest, startCatalogUnderTest } from '../testing/catalog-under-test.js';
import { runImport } from './run.js';

const CLI = fileURLToPath(new URL('../import.js', import.meta.url));

interface LogLine {
  msg: string;
  level: number;
  [key: string]: unknown;
}

interface BatchReport extends LogLine {
  batch: number;
  firstLine: number;
  lastLine: number;
  accepted: number;
  rejected: number;
  errors: { line: number; itemId: string | null; field: string; message: string }[];
}

function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    name: 'import-test',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });
  return { logger, lines };
}

function item(id: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    title: `Imported ${id}`,
    description: 'From a file.',
    category: 'imports',
    price: { amount: 5, currency: 'EUR' },
    ...overrides,
  });
}

function runCli(args: string[]): Promise<{ code: number; lines: LogLine[] }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogLine);
      resolve({ code, lines });
    });
  });
}

describe('runImport', () => {
  let t: CatalogUnderTest;
  let dir: string;

  before(async () => {
    t = await startCatalogUnderTest();
    dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-'));
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function stored(id: string): Promise<Record<string, unknown> | null> {
    const answer = await t.gql<{ item: Record<string, unknown> | null }>(
      'query Item($id: ID!) { item(id: $id) { id title tags inStock attributes { name value } description } }',
      { id },
    );
    return answer.data!.item;
  }

  describe('when a JSONL file has good, refused and unreadable lines', () => {
    it('stores the good items and reports the others by line, batch by batch', async () => {
      const file = path.join(dir, 'items.jsonl');
      writeFileSync(
        file,
        [
          item('jl-1'),
          item('jl-2', { price: 7.5, currency: 'EUR' }),
          item('jl-3', { price: { amount: 1.234, currency: 'EUR' } }),
          '',
          '{not json',
          item('jl-6', { tags: ['Gift'] }),
        ].join('\n'),
      );
      const { logger, lines } = capturingLogger();
      const summary = await runImport({ file, url: t.catalog.url, batchSize: 2, logger });
      assert.deepEqual(summary, {
        records: 5,
        accepted: 3,
        rejected: 2,
        notSent: 0,
        batches: 2,
        stoppedBy: null,
      });

      const batches = lines.filter((l) => l.msg === 'batch imported') as BatchReport[];
      assert.deepEqual(
        batches.map((b) => [b.firstLine, b.lastLine, b.accepted, b.rejected]),
        [
          [1, 2, 2, 0],
          [3, 6, 1, 2],
        ],
      );
      const errors = batches.flatMap((b) => b.errors);
      assert.deepEqual(
        errors.map((e) => [e.line, e.field]),
        [
          [3, 'price.amount'],
          [5, 'item'],
        ],
      );
      assert.equal(errors[0]!.itemId, 'jl-3');
      assert.ok(lines.some((l) => l.msg === 'import finished'));

      assert.ok(await stored('jl-1'));
      assert.deepEqual((await stored('jl-6'))?.tags, ['gift']);
      assert.equal(await stored('jl-3'), null);
    });
  });

  describe('when a CSV file has quoted fields spanning lines', () => {
    it('stores its rows and reports a refused row by its first line', async () => {
      const file = path.join(dir, 'items.csv');
      writeFileSync(
        file,
        [
          'id,title,description,category,tags,price,currency,imageUrl,inStock,attributes',
          'csv-1,"Lamp, brass","Warm light.',
          'Second line.",home-decor,gift;Lighting,49.99,EUR,https://x.example/l.jpg,yes,material=brass;color=gold',
          'csv-2,Vase,"He said ""nice""",home-decor,,19,eur,,,',
          'csv-3,Rug,Soft.,home-decor,,129,EUR,,false,size=160 x 230 cm',
        ].join('\r\n'),
      );
      const { logger, lines } = capturingLogger();
      const summary = await runImport({ file, url: t.catalog.url, logger });
      assert.equal(summary.accepted, 2);
      assert.equal(summary.rejected, 1);
      const [report] = lines.filter((l) => l.msg === 'batch imported') as BatchReport[];
      assert.deepEqual(
        report!.errors.map((e) => [e.line, e.itemId, e.field]),
        [[4, 'csv-2', 'price.currency']],
      );
      assert.deepEqual(await stored('csv-1'), {
        id: 'csv-1',
        title: 'Lamp, brass',
        description: 'Warm light.\r\nSecond line.',
        tags: ['gift', 'lighting'],
        inStock: true,
        attributes: [
          { name: 'material', value: 'brass' },
          { name: 'color', value: 'gold' },
        ],
      });
      assert.equal((await stored('csv-3'))?.inStock, false);
    });
  });

  describe('when the service cannot be reached', () => {
    it('stops and says why', async () => {
      const file = path.join(dir, 'unreachable.jsonl');
      writeFileSync(file, `${item('u-1')}\n${item('u-2')}\n`);
      const { logger } = capturingLogger();
      const summary = await runImport({ file, url: 'http://127.0.0.1:1/graphql', logger });
      assert.equal(summary.accepted, 0);
      assert.equal(summary.notSent, 2);
      assert.match(summary.stoppedBy ?? '', /could not reach/);
    });
  });

  describe('when run as a command', () => {
    it('exits 1 and prints JSON lines when an item is refused', async () => {
      const file = path.join(dir, 'cli.jsonl');
      writeFileSync(file, `${item('cli-1')}\n${item('cli-2', { title: '' })}\n`);
      const { code, lines } = await runCli([
        '--file',
        file,
        '--url',
        t.catalog.url,
        '--batch-size',
        '10',
      ]);
      assert.equal(code, 1);
      const report = lines.find((l) => l.msg === 'batch imported') as BatchReport | undefined;
      assert.deepEqual(
        report?.errors.map((e) => [e.line, e.field]),
        [[2, 'title']],
      );
      assert.ok(await stored('cli-1'));
    });

    it('exits 0 when every item is stored', async () => {
      const file = path.join(dir, 'cli-ok.jsonl');
      writeFileSync(file, `${item('cli-ok-1')}\n`);
      const { code, lines } = await runCli(['--file', file, '--url', t.catalog.url]);
      assert.equal(code, 0);
      const finished = lines.find((l) => l.msg === 'import finished');
      assert.equal(finished?.accepted, 1);
    });

    it('exits 2 on wrong usage', async () => {
      assert.equal((await runCli(['--url', t.catalog.url])).code, 2);
      assert.equal((await runCli(['--file', path.join(dir, 'missing.jsonl')])).code, 2);
      assert.equal(
        (await runCli(['--file', path.join(dir, 'cli.jsonl'), '--batch-size', '501'])).code,
        2,
      );
    });
  });
});
