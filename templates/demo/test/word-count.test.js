import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pending } from './helpers.js';

const skip = pending('src/word-count.js');
const load = async () => (await import('../src/word-count.js')).wordCount;

test('wordCount() counts whitespace-separated words', { skip }, async () => {
  const wordCount = await load();
  assert.equal(wordCount('one two three'), 3);
  assert.equal(wordCount('  leading and trailing  '), 3);
  assert.equal(wordCount('tabs\tand\nnew lines'), 4);
});

test('wordCount() is 0 for empty or blank text', { skip }, async () => {
  const wordCount = await load();
  assert.equal(wordCount(''), 0);
  assert.equal(wordCount(' \n\t '), 0);
});

test('wordCount() rejects anything that is not a string', { skip }, async () => {
  const wordCount = await load();
  assert.throws(() => wordCount(42), TypeError);
});

test('wordCount() is exported from src/index.js', { skip }, async () => {
  const index = await import('../src/index.js');
  assert.equal(typeof index.wordCount, 'function');
});
