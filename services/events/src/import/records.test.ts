import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';

import { importHistory } from './importer.js';
import { formatOfFile, type ImportRecord, readImportRecords } from './records.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tailor-import-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

async function all(records: AsyncIterable<ImportRecord>): Promise<ImportRecord[]> {
  const out: ImportRecord[] = [];
  for await (const record of records) out.push(record);
  return out;
}

describe('reading a history file', () => {
  it('knows the format by the extension', () => {
    assert.equal(formatOfFile('a/events.CSV'), 'csv');
    assert.equal(formatOfFile('events.ndjson'), 'jsonl');
    assert.equal(formatOfFile('events.txt'), undefined);
  });

  describe('when it is JSONL', () => {
    it('maps each line to an event and names the line of each that is not one', async () => {
      const at = file(
        'a.jsonl',
        [
          '{"userId":"u1","itemId":"i1","type":"add_to_cart","timestamp":1100000000000}',
          '',
          '{"userId":"u1","itemId":"i2","type":"rating","value":"4.5","timestamp":"2004-03-01T10:00:00Z"}',
          '{not json',
          '[1,2]',
          '{"userId":"u2","itemId":"i1","type":"view"}',
          '{"userId":"u2","itemId":"i1","type":"rating","value":"lots","timestamp":"2004"}',
        ].join('\n'),
      );
      const records = await all(readImportRecords(at, 'jsonl'));
      assert.deepEqual(records[0], {
        line: 1,
        event: { userId: 'u1', itemId: 'i1', type: 'ADD_TO_CART', timestamp: '1100000000000' },
      });
      assert.deepEqual(records[1], {
        line: 3,
        event: {
          userId: 'u1',
          itemId: 'i2',
          type: 'RATING',
          value: 4.5,
          timestamp: '2004-03-01T10:00:00Z',
        },
      });
      assert.deepEqual(
        records.slice(2).map((r) => ('event' in r ? r.line : `${r.line} ${r.field}`)),
        ['4 (line)', '5 (line)', '6 timestamp', '7 value'],
      );
    });
  });

  describe('when it is CSV', () => {
    it('reads the header, leaves empty cells out and counts lines as the file does', async () => {
      const at = file(
        'a.csv',
        'userId,itemId,type,value,timestamp\nu1,i1,rating,4,1100000000000\nu1,i2,like,,2004-03-01\n',
      );
      const records = await all(readImportRecords(at, 'csv'));
      assert.deepEqual(records, [
        {
          line: 2,
          event: {
            userId: 'u1',
            itemId: 'i1',
            type: 'RATING',
            value: 4,
            timestamp: '1100000000000',
          },
        },
        { line: 3, event: { userId: 'u1', itemId: 'i2', type: 'LIKE', timestamp: '2004-03-01' } },
      ]);
    });

    it('refuses a column it does not know, naming it', async () => {
      const at = file('b.csv', 'user,itemId,type,timestamp\nu1,i1,view,1\n');
      await assert.rejects(all(readImportRecords(at, 'csv')), /unknown CSV column\(s\) user/);
    });
  });
});

describe('importing records in batches', () => {
  it('sends full batches in order and maps refusals back to file lines', async () => {
    const at = file(
      'c.jsonl',
      Array.from({ length: 5 }, (_, i) =>
        JSON.stringify({ userId: 'u', itemId: `i${i}`, type: 'view', timestamp: 1000 + i }),
      ).join('\n'),
    );
    const sent: string[][] = [];
    const summary = await importHistory({
      records: readImportRecords(at, 'jsonl'),
      batchSize: 2,
      send: async (events) => {
        sent.push(events.map((e) => e.itemId ?? ''));
        // The server refuses i3, the second event of the second batch.
        const refused = events.findIndex((e) => e.itemId === 'i3');
        return {
          accepted: events.length - (refused >= 0 ? 1 : 0),
          errors: refused >= 0 ? [{ index: refused, field: 'itemId', message: 'unknown' }] : [],
        };
      },
    });
    assert.deepEqual(sent, [['i0', 'i1'], ['i2', 'i3'], ['i4']]);
    assert.deepEqual(summary, {
      records: 5,
      accepted: 4,
      refused: 1,
      errors: [{ line: 4, field: 'itemId', message: 'unknown' }],
    });
  });

  it('stops at a batch refused as a whole, saying how far it got', async () => {
    const at = file(
      'd.jsonl',
      Array.from({ length: 3 }, (_, i) =>
        JSON.stringify({ userId: 'u', itemId: `i${i}`, type: 'view', timestamp: 1000 + i }),
      ).join('\n'),
    );
    let calls = 0;
    await assert.rejects(
      importHistory({
        records: readImportRecords(at, 'jsonl'),
        batchSize: 2,
        send: async (events) => {
          calls += 1;
          if (calls === 2) throw new Error('bus down');
          return { accepted: events.length, errors: [] };
        },
      }),
      /batch from line 3 was not imported \(bus down\); 2 events before it were/,
    );
  });
});
