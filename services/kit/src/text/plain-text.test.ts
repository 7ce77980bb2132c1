import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { toPlainText } from './plain-text.js';

describe('toPlainText', () => {
  describe('when merchant text carries markup', () => {
    it('drops tags, attributes and script content, keeping the words', () => {
      assert.equal(
        toPlainText('Trail <b onmouseover="steal()">Runner</b><script>alert(1)</script> Shoes'),
        'Trail Runner Shoes',
      );
      assert.equal(toPlainText('<p>Warm</p><p>and dry</p>'), 'Warm and dry');
    });

    it('decodes entities and never lets an encoded tag become markup again', () => {
      assert.equal(toPlainText('Salt &amp; Pepper'), 'Salt & Pepper');
      assert.doesNotMatch(toPlainText('&lt;img src=x onerror=alert(1)&gt;'), /[<>]/);
    });
  });

  describe('when text hides characters', () => {
    it('removes controls, bidi overrides and zero-width characters', () => {
      assert.equal(toPlainText('Tent\u202egnp.exe\u0000 for\u200b two'), 'Tent gnp.exe for two');
    });
  });

  describe('when text is already plain', () => {
    it('only collapses its whitespace', () => {
      assert.equal(toPlainText('  Cosy   wool\nblanket '), 'Cosy wool blanket');
      assert.equal(toPlainText('5 < 6'), '5 6');
    });
  });
});
