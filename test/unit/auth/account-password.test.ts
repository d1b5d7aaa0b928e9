import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkAccountPassword,
  listPasswordForms,
} from '../../../src/auth/account-password.ts';
import { hashPassword } from '../../../src/crypto/password-hash.ts';

const PARAMS = { memoryKiB: 1024, passes: 1, parallelism: 1 };
const COMPOSED = Buffer.from('caf\u00e9');
const DECOMPOSED = Buffer.from('cafe\u0301');

describe('listPasswordForms', () => {
  test('ASCII has one form', () => {
    assert.deepEqual(listPasswordForms(Buffer.from('secret')), [
      Buffer.from('secret'),
    ]);
  });

  test('composed input adds NFD', () => {
    assert.deepEqual(listPasswordForms(COMPOSED), [COMPOSED, DECOMPOSED]);
  });

  test('decomposed input tries NFC first', () => {
    assert.deepEqual(listPasswordForms(DECOMPOSED), [COMPOSED, DECOMPOSED]);
  });

  test('non-UTF-8 bytes have one form', () => {
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    assert.deepEqual(listPasswordForms(latin1), [latin1]);
  });
});

describe('checkAccountPassword', () => {
  test('current argon2id needs no upgrade', async () => {
    const stored = await hashPassword(COMPOSED, PARAMS);
    const check = await checkAccountPassword(DECOMPOSED, stored, PARAMS);
    assert.deepEqual(check, {
      outcome: 'match',
      scheme: 'ARGON2ID',
      needsUpgrade: false,
    });
  });

  test('other argon2id costs need an upgrade', async () => {
    const stored = await hashPassword(COMPOSED, PARAMS);
    const params = { ...PARAMS, passes: 2 };
    const check = await checkAccountPassword(COMPOSED, stored, params);
    assert.equal(check.outcome === 'match' && check.needsUpgrade, true);
  });

  test('Dovecot prefix needs an upgrade', async () => {
    const stored = `{ARGON2ID}${await hashPassword(COMPOSED, PARAMS)}`;
    const check = await checkAccountPassword(COMPOSED, stored, PARAMS);
    assert.equal(check.outcome === 'match' && check.needsUpgrade, true);
  });

  test('decomposed legacy hash matches composed input', async () => {
    const stored = `{PLAIN}${DECOMPOSED.toString()}`;
    const check = await checkAccountPassword(COMPOSED, stored, PARAMS);
    assert.deepEqual(check, {
      outcome: 'match',
      scheme: 'PLAIN',
      needsUpgrade: true,
    });
  });

  test('wrong password is a mismatch', async () => {
    const check = await checkAccountPassword(
      Buffer.from('cafe'),
      '{PLAIN}caf\u00e9',
      PARAMS,
    );
    assert.deepEqual(check, { outcome: 'mismatch', scheme: 'PLAIN' });
  });

  test('unknown scheme is reported', async () => {
    const check = await checkAccountPassword(COMPOSED, '{SMD5}abc', PARAMS);
    assert.deepEqual(check, { outcome: 'unknown-scheme' });
  });
});
