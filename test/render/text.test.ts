/** Fixed-width text: every cut fits its width exactly and keeps what tells names apart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayWidth, fit } from '../../src/render/text.js';

test('a middle cut with the ASCII mark is exactly as wide as asked and keeps the head and the tail', () => {
  for (let width = 1; width <= 14; width++) {
    const shown = fit('frontend-web-01', width, 'left', 'middle', '...');
    assert.equal(displayWidth(shown), width, `width ${width}: ${JSON.stringify(shown)}`);
  }
  // Two names alike but for their ends stay apart as soon as a tail fits.
  assert.notEqual(fit('frontend-web-01', 7, 'left', 'middle', '...'), fit('frontend-web-02', 7, 'left', 'middle', '...'));
  assert.equal(fit('frontend-web-01', 9, 'left', 'middle', '...'), 'fro...-01');
});

test('the Unicode mark and the other cuts fit their width too', () => {
  for (const position of ['start', 'middle', 'end'] as const) {
    for (let width = 1; width <= 14; width++) assert.equal(displayWidth(fit('frontend-web-01', width, 'right', position)), width, `${position} ${width}`);
  }
});
