import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  computeCode,
  runVerify,
  waitForFreshStep,
} from '../support/verify.ts';

const USER = 'switch@example.org';
const PASSWORD = 'switch-Password-1';

// Switching 2FA off and on keeps the TOTP key and the unused one-time
// passwords. While 2FA is off the account password alone logs in, and a
// code sent along is neither checked nor spent.
describe('2FA switched off and on', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let key: string;
  let codes: string[];

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    await addAccount(site, USER, PASSWORD);
    key = (await site.cliJSON(['2fa', 'totp', USER])).secret;
    codes = (await site.cliJSON(['2fa', 'otp', USER, '--count', '4'])).codes;
    await site.cliJSON(['2fa', 'on', USER]);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  async function showAccount() {
    return site.cliJSON(['user', 'show', USER]);
  }

  it('needs a code while 2FA is on', async () => {
    const withoutCode = await runVerify(site, {
      user: USER,
      password: PASSWORD,
    });
    const withCode = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: codes[0] ?? '',
    });
    assert.equal(withoutCode.answer.reason, 'second-factor-required');
    assert.equal(withCode.exitCode, 0);
  });

  it('takes the password alone while 2FA is off', async () => {
    await site.cliJSON(['2fa', 'off', USER]);
    const result = await runVerify(site, { user: USER, password: PASSWORD });
    assert.equal(result.exitCode, 0);
    assert.equal(result.answer.reason, 'account-password');
  });

  it('spends no code given while 2FA is off', async () => {
    const result = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: codes[1] ?? '',
    });
    assert.equal(result.exitCode, 0);
    assert.equal((await showAccount()).unusedOneTimePasswords, 3);
  });

  it('keeps the key and the list while off', async () => {
    const shown = await showAccount();
    assert.equal(shown.twoFactor, false);
    assert.equal(shown.totpKey, true);
    assert.equal(shown.unusedOneTimePasswords, 3);
  });

  it('needs a code again once 2FA is on', async () => {
    await site.cliJSON(['2fa', 'on', USER]);
    const result = await runVerify(site, { user: USER, password: PASSWORD });
    assert.equal(result.answer.reason, 'second-factor-required');
  });

  it('accepts the kept TOTP key after the switch', async () => {
    await waitForFreshStep();
    const result = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: computeCode(key),
    });
    assert.equal(result.exitCode, 0);
  });

  it('accepts a kept one-time password after the switch', async () => {
    const result = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: codes[1] ?? '',
    });
    assert.equal(result.exitCode, 0);
    assert.equal((await showAccount()).unusedOneTimePasswords, 2);
  });

  it('still refuses the spent one-time password', async () => {
    const result = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: codes[0] ?? '',
    });
    assert.equal(result.answer.reason, 'code-already-used');
  });
});
