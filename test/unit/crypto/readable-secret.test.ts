import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  APP_PASSWORD_CHARACTERS,
  digestAppPassword,
  generateAppPassword,
} from '../../../src/crypto/app-password.ts';
import {
  digestSecret,
  generateReadableSecret,
  normalizeReadableSecret,
  secretEntropyBits,
} from '../../../src/crypto/readable-secret.ts';

const SECRET = '7k2m-xq9d-ab01-hjkm';

describe('normalizeReadableSecret', () => {
  const rows: [string, string, string | null][] = [
    ['as shown', SECRET, '7k2mxq9dab01hjkm'],
    ['upper case', SECRET.toUpperCase(), '7k2mxq9dab01hjkm'],
    ['spaces for hyphens', '7k2m xq9d ab01 hjkm', '7k2mxq9dab01hjkm'],
    ['no separators', '7K2MXQ9DAB01HJKM', '7k2mxq9dab01hjkm'],
    ['tabs and extra spaces', ' 7k2m\txq9d  ab01-hjkm ', '7k2mxq9dab01hjkm'],
    ['o read as zero', '7k2m-xq9d-abO1-hjkm', '7k2mxq9dab01hjkm'],
    ['i read as one', '7k2m-xq9d-ab0i-hjkm', '7k2mxq9dab01hjkm'],
    ['L read as one', '7k2m-xq9d-ab0L-hjkm', '7k2mxq9dab01hjkm'],
    ['one symbol short', '7k2m-xq9d-ab01-hjk', null],
    ['one symbol long', '7k2m-xq9d-ab01-hjkmm', null],
    ['u is not in the alphabet', '7k2m-xq9d-ab01-hjku', null],
    ['punctuation', '7k2m.xq9d.ab01.hjkm', null],
    ['empty', '', null],
  ];
  for (const [name, input, expected] of rows) {
    it(name, () => {
      assert.equal(normalizeReadableSecret(input, 16), expected, name);
    });
  }
});

describe('generateReadableSecret', () => {
  it('groups four symbols with hyphens', () => {
    const secret = generateReadableSecret(24);

    assert.match(secret, /^([0-9a-hjkmnp-tv-z]{4}-){5}[0-9a-hjkmnp-tv-z]{4}$/);
  });

  it('normalises to itself', () => {
    const secret = generateReadableSecret(24);

    assert.equal(
      normalizeReadableSecret(secret, 24),
      secret.replaceAll('-', ''),
    );
  });

  it('gives app passwords 120 bits', () => {
    assert.equal(secretEntropyBits(APP_PASSWORD_CHARACTERS), 120);
  });
});

describe('digestAppPassword', () => {
  const key = Buffer.alloc(32, 7);

  it('matches however the password is typed', () => {
    const password = generateAppPassword();
    const expected = digestAppPassword(key, password);
    const variants = [
      password.toUpperCase(),
      password.replaceAll('-', ' '),
      password.replaceAll('-', ''),
    ];

    assert.ok(expected);
    for (const variant of variants) {
      assert.deepEqual(digestAppPassword(key, variant), expected, variant);
    }
  });

  it('differs under another key', () => {
    const password = generateAppPassword();

    assert.notDeepEqual(
      digestAppPassword(key, password),
      digestAppPassword(Buffer.alloc(32, 8), password),
    );
  });

  it('returns null for an account password', () => {
    assert.equal(digestAppPassword(key, 'correct horse battery'), null);
  });

  it('is HMAC-SHA-256 of the normalised form', () => {
    const digest = digestSecret(key, 'abc');

    assert.equal(digest.length, 32);
    assert.deepEqual(digest, digestSecret(key, 'abc'));
  });
});
