import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseCsv, parseCsvLine } from './csv.js';

describe('parseCsvLine', () => {
  describe('when fields are plain', () => {
    it('splits on commas and keeps empty fields', () => {
      assert.deepEqual(parseCsvLine('1,Toy Story (1995),,Comedy'), [
        '1',
        'Toy Story (1995)',
        '',
        'Comedy',
      ]);
    });
  });

  describe('when a field is quoted', () => {
    it('keeps commas inside and turns doubled quotes into one', () => {
      assert.deepEqual(parseCsvLine('11,"American President, The (1995)","say ""hi"""'), [
        '11',
        'American President, The (1995)',
        'say "hi"',
      ]);
    });

    it('refuses a quote that is never closed', () => {
      assert.throws(() => parseCsvLine('1,"open'), SyntaxError);
    });
  });
});

describe('parseCsv', () => {
  describe('when the text has a header and rows', () => {
    it('keys each row by the header and skips blank lines', () => {
      assert.deepEqual(parseCsv('movieId,title\r\n1,A\n\n2,"B, the"\n'), [
        { movieId: '1', title: 'A' },
        { movieId: '2', title: 'B, the' },
      ]);
    });
  });

  describe('when a row has the wrong number of fields', () => {
    it('names the line', () => {
      assert.throws(() => parseCsv('a,b\n1,2,3\n'), /line 2/);
    });
  });
});
