import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import { addAccount, runVerify } from '../support/verify.ts';

const PASSWORD = 'race-Password-1';
const PARALLEL_LOGINS = 20;

// A one-time password is spent by one conditional update whose affected
// row count decides, so parallel logins with one code give one success.
describe('one-time password race', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let codes: string[];

  before(async () => {
    mariadb = await startMariaDB();
    // Cheap argon2id costs keep 20 parallel logins within the deadline on
    // a small machine; the rule under test does not depend on them.
    site = await createPassgateSite(mariadb, {
      extraConfig: '[argon2]\nmemory_kib = 8192\npasses = 1',
    });
    await addAccount(site, 'race@example.org', PASSWORD);
    codes = (await site.cliJSON(['2fa', 'otp', 'race@example.org'])).codes;
    await site.cliJSON(['2fa', 'on', 'race@example.org']);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it(`accepts one of ${PARALLEL_LOGINS} parallel logins`, async () => {
    const login = {
      user: 'race@example.org',
      password: PASSWORD,
      code: codes[0] ?? '',
    };
    const results = await Promise.all(
      Array.from({ length: PARALLEL_LOGINS }, () => runVerify(site, login)),
    );

    const statuses = results.map((result) => result.exitCode);
    assert.equal(
      statuses.filter((status) => status === 0).length,
      1,
      `exit statuses: ${statuses.join(' ')}`,
    );
    assert.equal(
      statuses.filter((status) => status === 1).length,
      PARALLEL_LOGINS - 1,
      `exit statuses: ${statuses.join(' ')}`,
    );
    for (const result of results.filter((entry) => entry.exitCode === 1)) {
      assert.equal(result.answer.reason, 'code-already-used');
    }
  });

  it('spends exactly one code in the race', async () => {
    const shown = await site.cliJSON(['user', 'show', 'race@example.org']);
    assert.equal(shown.unusedOneTimePasswords, codes.length - 1);
  });

  it('races two different codes to two successes', async () => {
    const logins = [codes[1], codes[2]].map((code) =>
      runVerify(site, {
        user: 'race@example.org',
        password: PASSWORD,
        code: code ?? '',
      }),
    );
    const results = await Promise.all(logins);
    assert.deepEqual(
      results.map((result) => result.exitCode),
      [0, 0],
    );
  });
});
