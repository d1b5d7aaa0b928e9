import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import { recordSecret } from '../support/secrets.ts';
import { addAccount, computeCode, runVerify } from '../support/verify.ts';

const PASSWORD = 'import-Password-1';
// An 80-bit key, the shortest that passgate imports, in canonical base32.
const KEY_80 = 'GEZDGNBVGY3TQOJQ';
const KEY_80_SPELLINGS = [
  'gezdgnbvgy3tqojq',
  'GEZD GNBV GY3T QOJQ',
  'gezd-gnbv-gy3t-qojq',
];
// A 130-bit key: 26 characters, with and without padding. Its last two
// bits do not fill a byte. Authenticator apps drop them and so does
// passgate, so codes follow the key with those bits cleared.
const KEY_130 = 'MFRGGZDFMZTWQ2LKNNWG23TPOB';
const KEY_130_CLEARED = 'MFRGGZDFMZTWQ2LKNNWG23TPOA';

describe('2fa totp --import', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let userNumber = 0;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    for (const key of [KEY_80, ...KEY_80_SPELLINGS, KEY_130, KEY_130_CLEARED])
      recordSecret(key);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  async function createAccount(): Promise<string> {
    userNumber += 1;
    const user = `import${userNumber}@example.org`;
    await addAccount(site, user, PASSWORD);
    return user;
  }

  async function importAndVerify(key: string, codeKey: string) {
    const user = await createAccount();
    const imported = await site.cliJSON(['2fa', 'totp', user, '--import', key]);
    await site.cliJSON(['2fa', 'on', user]);
    const result = await runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(codeKey),
    });
    return { imported, result };
  }

  it('imports an 80-bit key', async () => {
    const { imported, result } = await importAndVerify(KEY_80, KEY_80);
    assert.deepEqual(imported, {
      user: `import${userNumber}@example.org`,
      imported: true,
      keyBits: 80,
      replaced: false,
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.answer.reason, 'second-factor');
  });

  for (const spelling of KEY_80_SPELLINGS) {
    it(`imports ${JSON.stringify(spelling)}`, async () => {
      const { result } = await importAndVerify(spelling, KEY_80);
      assert.equal(result.exitCode, 0);
    });
  }

  for (const spelling of [KEY_130, `${KEY_130}======`]) {
    it(`imports a ${spelling.length}-character key`, async () => {
      const { imported, result } = await importAndVerify(
        spelling,
        KEY_130_CLEARED,
      );
      assert.equal(imported.keyBits, 128);
      assert.equal(result.exitCode, 0);
    });
  }

  it('reads the key from standard input with -', async () => {
    const user = await createAccount();
    const imported = await site.cliJSON(
      ['2fa', 'totp', user, '--import', '-'],
      `${KEY_80_SPELLINGS[1]}\n`,
    );
    await site.cliJSON(['2fa', 'on', user]);
    const result = await runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(KEY_80),
    });
    assert.equal(imported.keyBits, 80);
    assert.equal(result.exitCode, 0);
  });

  const rejected: [string, string, RegExp][] = [
    [
      'a 75-bit key',
      'GEZDGNBVGY3TQOJ',
      /72 bits; a TOTP key needs at least 80 bits/,
    ],
    [
      'a non-base32 digit',
      'GEZDGNBVGY3TQOJ1',
      /outside base32 \(A-Z and 2-7\) at position 16/,
    ],
    [
      'wrong padding',
      `${KEY_80}======`,
      /ends in 6 "=", where base32 padding needs 0/,
    ],
    ['padding inside', 'GEZDGNBV=GY3TQOJQ', /"=" before the end/],
    [
      'an impossible length',
      `${KEY_80}A`,
      /17 base32 characters cannot be whole bytes/,
    ],
    ['an empty key', '', /0 bits/],
  ];
  for (const [name, key, message] of rejected) {
    it(`rejects ${name}`, async () => {
      const user = await createAccount();
      recordSecret(key);
      const result = await site.cli(['2fa', 'totp', user, '--import', key]);
      assert.equal(result.exitCode, 2);
      assert.match(result.stderr, /^passgate: invalid TOTP key: /);
      assert.match(result.stderr, message);
      const shown = await site.cliJSON(['user', 'show', user]);
      assert.equal(shown.totpKey, false, 'nothing was stored');
    });
  }

  it('keeps the key out of error messages', async () => {
    const user = await createAccount();
    const key = 'GEZDGNBVGY3TQOJ1';
    const result = await site.cli(['2fa', 'totp', user, '--import', key]);
    assert.ok(!result.stderr.includes(key));
  });

  it('generates 160-bit keys', async () => {
    const user = await createAccount();
    const { secret } = await site.cliJSON(['2fa', 'totp', user]);
    assert.match(secret, /^[A-Z2-7]{32}$/);
  });
});
