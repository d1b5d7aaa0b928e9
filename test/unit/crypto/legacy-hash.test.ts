import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  parseStoredHash,
  verifyStoredHash,
} from '../../../src/crypto/legacy-hash.ts';

interface Vector {
  scheme: string;
  source: string;
  passwordHex: string;
  hash: string;
}

const VECTORS: Vector[] = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '../../vectors/legacy-hashes.json'),
    'utf8',
  ),
);

function describeVector(vector: Vector): string {
  return `${vector.source} ${vector.scheme} password ${vector.passwordHex}`;
}

// bcryptjs takes passwords as strings, so a password that is not valid
// UTF-8 cannot be checked against a bcrypt hash (a known limit).
function isBcryptWithRawBytes(vector: Vector): boolean {
  const bcrypt = vector.hash.includes('$2y$') || vector.hash.includes('$2b$');
  return bcrypt && !isUTF8(Buffer.from(vector.passwordHex, 'hex'));
}

function isUTF8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// One vector of each source and scheme: enough for the mismatch check,
// which would otherwise repeat every argon2 run.
function pickOnePerSource(vectors: Vector[]): Vector[] {
  const seen = new Set<string>();
  return vectors.filter((vector) => {
    const key = `${vector.source} ${vector.scheme}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describe('legacy hash known answers', () => {
  test('every vector parses to its scheme', () => {
    for (const vector of VECTORS) {
      const parsed = parseStoredHash(vector.hash);
      const expected = vector.scheme.replace(/^(CLEAR|CRYPT)$/, (name) =>
        name === 'CLEAR' ? 'PLAIN' : 'BLF-CRYPT',
      );
      assert.equal(
        parsed?.scheme,
        expected.replace(/\..*$/, ''),
        describeVector(vector),
      );
    }
  });

  test('every vector verifies its password', async () => {
    for (const vector of VECTORS.filter((row) => !isBcryptWithRawBytes(row))) {
      const parsed = parseStoredHash(vector.hash);
      assert.ok(parsed, describeVector(vector));
      const password = Buffer.from(vector.passwordHex, 'hex');
      assert.equal(
        await verifyStoredHash(password, parsed),
        true,
        describeVector(vector),
      );
    }
  });

  test('bcrypt rejects non-UTF-8 passwords', async () => {
    const vectors = VECTORS.filter(isBcryptWithRawBytes);
    assert.ok(vectors.length > 0, 'the vectors include such a case');
    for (const vector of vectors) {
      const parsed = parseStoredHash(vector.hash);
      assert.ok(parsed, describeVector(vector));
      const password = Buffer.from(vector.passwordHex, 'hex');
      assert.equal(await verifyStoredHash(password, parsed), false);
    }
  });

  test('every vector rejects a changed password', async () => {
    for (const vector of pickOnePerSource(VECTORS)) {
      const parsed = parseStoredHash(vector.hash);
      assert.ok(parsed, describeVector(vector));
      const password = Buffer.from(vector.passwordHex, 'hex');
      password[0] = (password[0] ?? 0) ^ 1;
      assert.equal(
        await verifyStoredHash(password, parsed),
        false,
        describeVector(vector),
      );
    }
  });
});

describe('parseStoredHash', () => {
  const UNKNOWN = [
    ['empty', ''],
    ['bare digest', 'hduKWR9cgiUM3Lv8EZ56JvpfTVZpFdwf'],
    ['DES crypt', 'abJnggxhB/yWI'],
    ['unknown scheme', '{SCRAM-SHA-256}4096,abc,def'],
    ['unsupported Dovecot scheme', '{SMD5}FGqnKXIV/s3tGuz5ZD8F2hYB40Y='],
    ['plain SHA without salt', '{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ='],
    ['SSHA with no salt', '{SSHA}5en6G6MezRroT3XKqkdPOmY/BfQ='],
    ['scheme and body disagree', '{MD5-CRYPT}$6$abcdefgh$' + 'a'.repeat(86)],
    ['bcrypt 2x', '$2x$05$' + 'a'.repeat(53)],
    ['bcrypt cost 31', '$2y$31$' + 'a'.repeat(53)],
    ['SHA-crypt rounds too high', `$6$rounds=5000000$salt$${'a'.repeat(86)}`],
    ['SHA-crypt short checksum', '$6$salt$abc'],
    ['crypt with encoding', '{SHA512-CRYPT.HEX}$6$salt$' + 'a'.repeat(86)],
    ['bad hex', '{SSHA.HEX}zz'],
    ['argon2 version 16', '$argon2id$v=16$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaA'],
    ['argon2 no parallelism', '$argon2id$v=19$m=65536,t=2$c2FsdHNhbHQ$aGFzaA'],
    [
      'argon2 above cost limit',
      '$argon2id$v=19$m=2097152,t=16,p=1$c2FsdHNhbHQ$aGFzaA',
    ],
    [
      'Dovecot ARGON2ID above cost limit',
      '{ARGON2ID}$argon2id$v=19$m=1048576,t=8,p=1$c2FsdHNhbHQ$aGFzaA',
    ],
    [
      'Dovecot ARGON2I above cost limit',
      '{ARGON2I}$argon2i$v=19$m=524288,t=5,p=1$c2FsdHNhbHQ$aGFzaA',
    ],
  ] as const;

  for (const [name, stored] of UNKNOWN) {
    test(`refuses ${name}`, () => {
      assert.equal(parseStoredHash(stored), null);
    });
  }

  test('reads scheme names in any case', () => {
    assert.equal(parseStoredHash('{plain}secret')?.scheme, 'PLAIN');
    assert.equal(parseStoredHash('{Cleartext}secret')?.scheme, 'PLAIN');
  });

  test('PLAIN compares whole bytes', async () => {
    const stored = parseStoredHash('{PLAIN}secret');
    assert.ok(stored);
    assert.equal(await verifyStoredHash(Buffer.from('secret'), stored), true);
    assert.equal(await verifyStoredHash(Buffer.from('secre'), stored), false);
    assert.equal(await verifyStoredHash(Buffer.from('secret '), stored), false);
  });
});
