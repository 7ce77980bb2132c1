import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CsvParser, CsvSyntaxError, parseCsv } from './csv.js';

describe('parseCsv', () => {
  describe('when fields are plain', () => {
    it('splits records on line breaks and fields on commas', () => {
      assert.deepEqual(parseCsv('a,b,c\n1,2,3\n'), [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', '2', '3'] },
      ]);
    });

    it('keeps empty fields, including a trailing one', () => {
      assert.deepEqual(
        parseCsv('a,,c,\n').map((r) => r.fields),
        [['a', '', 'c', '']],
      );
    });
  });

  describe('when fields are quoted', () => {
    it('keeps commas, doubled quotes and line breaks inside them', () => {
      const records = parseCsv('id,text\r\n1,"Hello, ""world""\r\nsecond line"\r\n2,"x"\r\n');
      assert.deepEqual(records, [
        { line: 1, fields: ['id', 'text'] },
        { line: 2, fields: ['1', 'Hello, "world"\r\nsecond line'] },
        { line: 4, fields: ['2', 'x'] },
      ]);
    });

    it('reads an empty quoted field as empty, not as a blank line', () => {
      assert.deepEqual(
        parseCsv('""\n').map((r) => r.fields),
        [['']],
      );
    });
  });

  describe('when the input has odd line breaks, blank lines, a BOM or no final break', () => {
    it('handles each', () => {
      assert.deepEqual(parseCsv('\uFEFFa,b\r1,2\n\n\n3,4'), [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
        { line: 5, fields: ['3', '4'] },
      ]);
    });
  });

  describe('when a quote is misplaced', () => {
    it('refuses text after a closing quote, naming the line', () => {
      assert.throws(
        () => parseCsv('a,b\n"x"y,z\n'),
        (err: unknown) => err instanceof CsvSyntaxError && err.line === 2,
      );
    });

    it('refuses a quoted field that never closes, naming where it opened', () => {
      assert.throws(
        () => parseCsv('a\n"open\nstill open\n'),
        (err: unknown) => err instanceof CsvSyntaxError && err.line === 2,
      );
    });

    it('keeps a quote inside an unquoted field as a character', () => {
      assert.deepEqual(
        parseCsv('5" screen,b\n').map((r) => r.fields),
        [['5" screen', 'b']],
      );
    });
  });

  describe('when the input arrives in chunks', () => {
    it('gives the same records whatever the chunk boundaries', () => {
      const text = 'id,title\r\n1,"a ""quoted""\r\nvalue"\r\n2,plain\r\n';
      const whole = parseCsv(text);
      for (let size = 1; size <= text.length; size += 1) {
        const parser = new CsvParser();
        const records = [];
        for (let i = 0; i < text.length; i += size)
          records.push(...parser.push(text.slice(i, i + size)));
        records.push(...parser.end());
        assert.deepEqual(records, whole, `chunk size ${size}`);
      }
    });
  });
});
