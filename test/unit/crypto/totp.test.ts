import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateSync, type HashAlgorithm } from 'otplib';

import {
  computeTOTPStep,
  decodeTOTPKey,
  encodeBase32,
  findTOTPStepOffset,
  generateTOTPCode,
  generateTOTPKey,
  normalizeTOTPCode,
  TOTP_KEY_BYTES,
} from '../../../src/crypto/totp.ts';

interface RFC6238Vectors {
  keys: Record<'sha1' | 'sha256' | 'sha512', string>;
  vectors: ({ unixSeconds: number; step: string } & Record<
    'sha1' | 'sha256' | 'sha512',
    string
  >)[];
}

const RFC6238: RFC6238Vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../vectors/rfc6238.json'), 'utf8'),
);
const SHA1_KEY = Buffer.from(RFC6238.keys.sha1, 'ascii');

describe('RFC 6238 Appendix B vectors', () => {
  for (const vector of RFC6238.vectors) {
    it(`step of ${vector.unixSeconds} s`, () => {
      assert.equal(
        computeTOTPStep(vector.unixSeconds),
        Number.parseInt(vector.step, 16),
      );
    });

    // The 6-digit code is the 8-digit value modulo 10^6 (RFC 4226 5.3).
    it(`6-digit SHA-1 code at ${vector.unixSeconds} s`, () => {
      const step = computeTOTPStep(vector.unixSeconds);
      assert.equal(generateTOTPCode(SHA1_KEY, step), vector.sha1.slice(-6));
    });

    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      it(`otplib 8-digit ${algorithm} at ${vector.unixSeconds} s`, () => {
        const code = generateSync({
          secret: Buffer.from(RFC6238.keys[algorithm], 'ascii'),
          epoch: vector.unixSeconds,
          digits: 8,
          algorithm: algorithm as HashAlgorithm,
        });
        assert.equal(code, vector[algorithm]);
      });
    }
  }
});

describe('findTOTPStepOffset', () => {
  const currentStep = computeTOTPStep(1234567890);

  it('finds the current step', () => {
    const code = generateTOTPCode(SHA1_KEY, currentStep);
    assert.equal(findTOTPStepOffset(SHA1_KEY, code, currentStep, 1), 0);
  });

  for (const offset of [-11, -3, -1, 1, 3, 11]) {
    it(`finds offset ${offset} inside the search`, () => {
      const code = generateTOTPCode(SHA1_KEY, currentStep + offset);
      assert.equal(findTOTPStepOffset(SHA1_KEY, code, currentStep, 11), offset);
    });
  }

  it('misses a step beyond the search', () => {
    const code = generateTOTPCode(SHA1_KEY, currentStep + 12);
    assert.equal(findTOTPStepOffset(SHA1_KEY, code, currentStep, 11), null);
  });

  it('misses a wrong code', () => {
    const right = generateTOTPCode(SHA1_KEY, currentStep);
    const wrong = String((Number(right) + 1) % 1000000).padStart(6, '0');
    assert.equal(findTOTPStepOffset(SHA1_KEY, wrong, currentStep, 0), null);
  });
});

describe('normalizeTOTPCode', () => {
  const cases: [string, string | null][] = [
    ['123456', '123456'],
    ['123 456', '123456'],
    [' 123456 ', '123456'],
    ['12 34 56', '123456'],
    ['123-456', '123456'],
    ['12345', null],
    ['1234567', null],
    ['12345a', null],
    ['', null],
  ];
  for (const [typed, expected] of cases) {
    it(`reads ${JSON.stringify(typed)}`, () => {
      assert.equal(normalizeTOTPCode(typed), expected);
    });
  }
});

describe('decodeTOTPKey', () => {
  const key80 = 'JBSWY3DPEHPK3PXP';

  const accepted: [string, string][] = [
    [key80, key80],
    ['jbswy3dpehpk3pxp', key80],
    ['JBSW Y3DP EHPK 3PXP', key80],
    ['jbsw-y3dp-ehpk-3pxp', key80],
    [
      'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI======',
      'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI',
    ],
    [
      'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI',
      'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI',
    ],
  ];
  for (const [typed, canonical] of accepted) {
    it(`accepts ${JSON.stringify(typed)}`, () => {
      assert.equal(encodeBase32(decodeTOTPKey(typed)), canonical);
    });
  }

  const rejected: [string, RegExp][] = [
    ['', /0 bits; a TOTP key needs at least 80 bits/],
    ['JBSWY3DPEHPK3PX', /72 bits; a TOTP key needs at least 80 bits/],
    ['JBSWY3DPEHPK3PX1', /outside base32 .* position 16/],
    ['JBSWY3DP=EHPK3PXP', /"=" before the end .* position 9/],
    ['JBSWY3DPEHPK3PXP====', /ends in 4 "=", where base32 padding needs 0/],
    ['JBSWY3DPEHPK3PXPA', /17 base32 characters cannot be whole bytes/],
    ['MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI==', /ends in 2 "="/],
    ['A'.repeat(104), /the limit is 512/],
  ];
  for (const [typed, message] of rejected) {
    it(`rejects ${JSON.stringify(typed.slice(0, 24))}`, () => {
      assert.throws(() => decodeTOTPKey(typed), {
        code: 'INVALID_ARGUMENT',
        message,
      });
    });
  }

  it('keeps the key out of its messages', () => {
    assert.throws(
      () => decodeTOTPKey('JBSWY3DPEHPK3PX'),
      (error: Error) => !error.message.includes('JBSWY3DPEHPK3PX'),
    );
  });
});

describe('generateTOTPKey', () => {
  it('generates 160-bit keys', () => {
    const key = generateTOTPKey();
    assert.equal(decodeTOTPKey(key).length, TOTP_KEY_BYTES);
    assert.equal(TOTP_KEY_BYTES * 8, 160);
  });

  it('round-trips through base32', () => {
    const key = generateTOTPKey();
    assert.equal(encodeBase32(decodeTOTPKey(key)), key);
  });
});
