import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pending } from './helpers.js';

const skip = pending('src/slugify.js');
const load = async () => (await import('../src/slugify.js')).slugify;

test('slugify() lowercases and joins words with single dashes', { skip }, async () => {
  const slugify = await load();
  assert.equal(slugify('Hello World'), 'hello-world');
  assert.equal(slugify('  many   spaces  here '), 'many-spaces-here');
});

test('slugify() drops punctuation and trims dashes at both ends', { skip }, async () => {
  const slugify = await load();
  assert.equal(slugify('Hello, World!'), 'hello-world');
  assert.equal(slugify('--runr: plan -> verify--'), 'runr-plan-verify');
  assert.equal(slugify('!!!'), '');
});

test('slugify() keeps digits and removes accents', { skip }, async () => {
  const slugify = await load();
  assert.equal(slugify('Crème Brûlée 2'), 'creme-brulee-2');
});

test('slugify() is exported from src/index.js', { skip }, async () => {
  const index = await import('../src/index.js');
  assert.equal(typeof index.slugify, 'function');
});
