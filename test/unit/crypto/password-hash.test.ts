import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import argon2 from 'argon2';

import {
  encodePHC,
  hashPassword,
  needsRehash,
  describeArgon2CostExcess,
  parsePHC,
  verifyPassword,
  type Argon2Params,
} from '../../../src/crypto/password-hash.ts';

// Small costs keep the suite fast; the encoding does not depend on them.
const FAST: Argon2Params = { memoryKiB: 8192, passes: 1, parallelism: 1 };
const PASSWORD = Buffer.from('correct horse battery staple');
const WRONG = Buffer.from('correct horse battery stapler');

describe('hashPassword', () => {
  it('writes an argon2id PHC string', async () => {
    const phc = await hashPassword(PASSWORD, FAST);

    assert.match(
      phc,
      /^\$argon2id\$v=19\$m=8192,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
  });

  it('round-trips through verifyPassword', async () => {
    const phc = await hashPassword(PASSWORD, FAST);

    assert.equal(await verifyPassword(PASSWORD, phc), true);
    assert.equal(await verifyPassword(WRONG, phc), false);
  });

  it('uses a fresh salt each time', async () => {
    const first = await hashPassword(PASSWORD, FAST);
    const second = await hashPassword(PASSWORD, FAST);

    assert.notEqual(first, second);
  });

  it('is accepted by the argon2 package', async () => {
    const phc = await hashPassword(PASSWORD, {
      memoryKiB: 8192,
      passes: 2,
      parallelism: 2,
    });

    assert.equal(await argon2.verify(phc, PASSWORD), true);
    assert.equal(await argon2.verify(phc, WRONG), false);
  });
});

describe('verifyPassword against the argon2 package', () => {
  const rows: [string, argon2.HashOptions & { raw?: false }][] = [
    ['argon2id p=1', { type: argon2.argon2id, parallelism: 1 }],
    ['argon2id p=4', { type: argon2.argon2id, parallelism: 4 }],
    ['argon2i p=2', { type: argon2.argon2i, parallelism: 2 }],
    ['argon2d p=1', { type: argon2.argon2d, parallelism: 1 }],
    ['argon2id 64-byte hash', { type: argon2.argon2id, hashLength: 64 }],
  ];
  for (const [name, options] of rows) {
    it(name, async () => {
      const phc = await argon2.hash(PASSWORD, {
        memoryCost: 8192,
        timeCost: 2,
        ...options,
      });

      assert.equal(await verifyPassword(PASSWORD, phc), true, phc);
      assert.equal(await verifyPassword(WRONG, phc), false, phc);
    });
  }

  it('accepts any parameter order', async () => {
    const phc = await argon2.hash(PASSWORD, {
      type: argon2.argon2id,
      memoryCost: 8192,
      timeCost: 2,
      parallelism: 4,
    });
    const [, algorithm, version, params, salt, hash] = phc.split('$');
    const values = Object.fromEntries(
      (params ?? '').split(',').map((pair) => pair.split('=')),
    );
    const orders = [
      `m=${values.m},t=${values.t},p=${values.p}`,
      `t=${values.t},p=${values.p},m=${values.m}`,
      `p=${values.p},m=${values.m},t=${values.t}`,
    ];

    for (const order of orders) {
      const reordered = ['', algorithm, version, order, salt, hash].join('$');
      assert.equal(await verifyPassword(PASSWORD, reordered), true, order);
    }
  });
});

describe('malformed PHC strings', () => {
  const salt = 'c29tZXNhbHRzb21lc2FsdA';
  const hash = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
  const rows: [string, string][] = [
    ['empty', ''],
    ['bcrypt', '$2y$10$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui'],
    ['SHA512-CRYPT', '$6$salt$hash'],
    ['unknown algorithm', `$argon2x$v=19$m=8192,t=1,p=1$${salt}$${hash}`],
    ['version 16', `$argon2id$v=16$m=8192,t=1,p=1$${salt}$${hash}`],
    ['no version', `$argon2id$m=8192,t=1,p=1$${salt}$${hash}`],
    ['missing p', `$argon2id$v=19$m=8192,t=1$${salt}$${hash}`],
    ['repeated m', `$argon2id$v=19$m=8192,m=8192,t=1,p=1$${salt}$${hash}`],
    ['extra key', `$argon2id$v=19$m=8192,t=1,p=1,x=1$${salt}$${hash}`],
    ['zero passes', `$argon2id$v=19$m=8192,t=0,p=1$${salt}$${hash}`],
    ['too many passes', `$argon2id$v=19$m=8192,t=65,p=1$${salt}$${hash}`],
    ['zero lanes', `$argon2id$v=19$m=8192,t=1,p=0$${salt}$${hash}`],
    [
      'memory below 8 KiB per lane',
      `$argon2id$v=19$m=31,t=1,p=4$${salt}$${hash}`,
    ],
    ['memory over 4 GiB', `$argon2id$v=19$m=4194305,t=1,p=1$${salt}$${hash}`],
    ['memory over 1 GiB', `$argon2id$v=19$m=1048577,t=1,p=1$${salt}$${hash}`],
    ['2 GiB times 16', `$argon2id$v=19$m=2097152,t=16,p=1$${salt}$${hash}`],
    ['1 GiB times 4', `$argon2id$v=19$m=1048576,t=4,p=4$${salt}$${hash}`],
    ['256 MiB times 9', `$argon2i$v=19$m=262144,t=9,p=1$${salt}$${hash}`],
    ['short salt', `$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$${hash}`],
    ['short hash', `$argon2id$v=19$m=8192,t=1,p=1$${salt}$aGFz`],
    ['salt not base64', `$argon2id$v=19$m=8192,t=1,p=1$sa!t*salt*salt$${hash}`],
    ['padded base64', `$argon2id$v=19$m=8192,t=1,p=1$${salt}==$${hash}`],
    ['missing hash', `$argon2id$v=19$m=8192,t=1,p=1$${salt}`],
    ['trailing field', `$argon2id$v=19$m=8192,t=1,p=1$${salt}$${hash}$x`],
    ['no leading dollar', `argon2id$v=19$m=8192,t=1,p=1$${salt}$${hash}`],
  ];
  for (const [name, phc] of rows) {
    it(`rejects ${name}`, async () => {
      assert.equal(parsePHC(phc), null, name);
      assert.equal(await verifyPassword(PASSWORD, phc), false, name);
    });
  }
});

describe('argon2 cost limits', () => {
  const salt = 'c29tZXNhbHRzb21lc2FsdA';
  const hash = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
  const accepted: [string, number, number][] = [
    ['PHP default', 65536, 4],
    ['libsodium MODERATE', 262144, 3],
    ['RFC 9106 second choice', 65536, 3],
    ['1 GiB times 2', 1048576, 2],
    ['256 MiB times 8', 262144, 8],
  ];
  for (const [name, memoryKiB, passes] of accepted) {
    it(`parses ${name}`, () => {
      const phc = `$argon2id$v=19$m=${memoryKiB},t=${passes},p=1$${salt}$${hash}`;
      assert.deepEqual(parsePHC(phc)?.params, {
        memoryKiB,
        passes,
        parallelism: 1,
      });
    });
  }

  it('describes memory above the limit', () => {
    const params = { memoryKiB: 1048577, passes: 1, parallelism: 1 };
    assert.match(
      describeArgon2CostExcess(params) ?? '',
      /memory 1048577 KiB is above the limit of 1048576 KiB/,
    );
  });

  it('describes memory times passes above', () => {
    const params = { memoryKiB: 1048576, passes: 8, parallelism: 1 };
    assert.match(
      describeArgon2CostExcess(params) ?? '',
      /is 8388608, above the limit of 2097152/,
    );
  });
});

describe('parsePHC and encodePHC', () => {
  it('round-trips a hash', async () => {
    const phc = await hashPassword(PASSWORD, FAST);
    const parsed = parsePHC(phc);

    assert.ok(parsed);
    assert.equal(parsed.algorithm, 'argon2id');
    assert.deepEqual(parsed.params, FAST);
    assert.equal(parsed.salt.length, 16);
    assert.equal(parsed.hash.length, 32);
    assert.equal(encodePHC(parsed), phc);
  });
});

describe('needsRehash', () => {
  const current: Argon2Params = {
    memoryKiB: 19456,
    passes: 2,
    parallelism: 1,
  };
  const salt = 'c29tZXNhbHRzb21lc2FsdA';
  const hash = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
  const rows: [string, string, boolean][] = [
    ['current costs', `$argon2id$v=19$m=19456,t=2,p=1$${salt}$${hash}`, false],
    ['other order', `$argon2id$v=19$t=2,p=1,m=19456$${salt}$${hash}`, false],
    ['less memory', `$argon2id$v=19$m=8192,t=2,p=1$${salt}$${hash}`, true],
    ['more passes', `$argon2id$v=19$m=19456,t=3,p=1$${salt}$${hash}`, true],
    ['more lanes', `$argon2id$v=19$m=19456,t=2,p=4$${salt}$${hash}`, true],
    ['argon2i', `$argon2i$v=19$m=19456,t=2,p=1$${salt}$${hash}`, true],
    ['not a PHC string', '{PLAIN}secret', true],
  ];
  for (const [name, phc, expected] of rows) {
    it(name, () => {
      assert.equal(needsRehash(phc, current), expected, name);
    });
  }
});
