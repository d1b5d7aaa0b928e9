import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  computeSHACrypt,
  parseSHACrypt,
} from '../../../src/crypto/sha-crypt.ts';

describe('parseSHACrypt', () => {
  test('raises rounds below 1000 to 1000', () => {
    const parsed = parseSHACrypt(`$5$rounds=10$salt$${'a'.repeat(43)}`);
    assert.equal(parsed?.rounds, 1000);
    assert.equal(parsed?.roundsField, 10);
  });

  test('defaults to 5000 rounds', () => {
    assert.equal(parseSHACrypt(`$6$salt$${'a'.repeat(86)}`)?.rounds, 5000);
  });

  test('refuses a salt over 16 characters', () => {
    assert.equal(parseSHACrypt(`$6$${'s'.repeat(17)}$${'a'.repeat(86)}`), null);
  });

  test('accepts an empty salt', () => {
    assert.equal(parseSHACrypt(`$5$$${'a'.repeat(43)}`)?.salt, '');
  });
});

describe('computeSHACrypt', () => {
  test('same input gives the same checksum', () => {
    const parsed = { algorithm: 'sha256', rounds: 1000, salt: 'ab' } as const;
    const first = computeSHACrypt(Buffer.from('pw'), parsed);
    assert.equal(first, computeSHACrypt(Buffer.from('pw'), parsed));
    assert.equal(first.length, 43);
    assert.notEqual(first, computeSHACrypt(Buffer.from('px'), parsed));
  });
});
