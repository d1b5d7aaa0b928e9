import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { openSecret, sealSecret } from '../../../src/crypto/secret-box.ts';

const KEY = randomBytes(32);
const PLAINTEXT = Buffer.from('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');

describe('sealSecret and openSecret', () => {
  it('round-trips with the same context', () => {
    const sealed = sealSecret(KEY, PLAINTEXT, 'totp-key:1');

    assert.deepEqual(openSecret(KEY, sealed, 'totp-key:1'), PLAINTEXT);
  });

  it('hides the plaintext', () => {
    const sealed = sealSecret(KEY, PLAINTEXT, 'totp-key:1');

    assert.equal(sealed.includes(PLAINTEXT), false);
    assert.equal(sealed.length, 12 + 16 + PLAINTEXT.length);
  });

  it('uses a fresh nonce each time', () => {
    const first = sealSecret(KEY, PLAINTEXT, 'totp-key:1');
    const second = sealSecret(KEY, PLAINTEXT, 'totp-key:1');

    assert.notDeepEqual(first, second);
  });

  const failures: [string, (sealed: Buffer) => [Buffer, Buffer, string]][] = [
    ['wrong context', (sealed) => [KEY, sealed, 'totp-key:2']],
    ['wrong key', (sealed) => [randomBytes(32), sealed, 'totp-key:1']],
    [
      'flipped ciphertext bit',
      (sealed) => [KEY, flipLastBit(sealed), 'totp-key:1'],
    ],
    ['truncated', (sealed) => [KEY, sealed.subarray(0, 27), 'totp-key:1']],
    ['empty', () => [KEY, Buffer.alloc(0), 'totp-key:1']],
  ];
  for (const [name, arrange] of failures) {
    it(`fails with ${name}`, () => {
      const sealed = sealSecret(KEY, PLAINTEXT, 'totp-key:1');
      const [key, input, context] = arrange(sealed);

      assert.equal(openSecret(key, input, context), null, name);
    });
  }
});

function flipLastBit(sealed: Buffer): Buffer {
  const copy = Buffer.from(sealed);
  copy[copy.length - 1] = (copy[copy.length - 1] ?? 0) ^ 1;
  return copy;
}
