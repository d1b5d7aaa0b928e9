import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  computeCode,
  runVerify,
  waitForFreshStep,
} from '../support/verify.ts';

const USER = 'mismatch@example.org';
const PASSWORD = 'mismatch-Password-1';
const WRONG_PASSWORD = 'mismatch-Password-2';

// A wrong password with a right code and a right password with a wrong
// code get the same answer, and neither a wrong password nor a missing code
// spends a code.
describe('password and second factor mismatch', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let key: string;
  let codes: string[];

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    await addAccount(site, USER, PASSWORD);
    key = (await site.cliJSON(['2fa', 'totp', USER])).secret;
    codes = (await site.cliJSON(['2fa', 'otp', USER, '--count', '3'])).codes;
    await site.cliJSON(['2fa', 'on', USER]);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  async function countUnused(): Promise<number> {
    return (await site.cliJSON(['user', 'show', USER])).unusedOneTimePasswords;
  }

  it('answers both mismatches alike', async () => {
    await waitForFreshStep();
    const rightCode = computeCode(key);
    const wrongCode = String((Number(rightCode) + 1) % 1000000).padStart(
      6,
      '0',
    );

    const wrongPassword = await runVerify(site, {
      user: USER,
      password: WRONG_PASSWORD,
      code: rightCode,
    });
    const wrongSecondFactor = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: wrongCode,
    });
    assert.equal(wrongPassword.exitCode, 1);
    assert.equal(wrongSecondFactor.exitCode, 1);
    assert.deepEqual(wrongPassword.answer, wrongSecondFactor.answer);
    assert.equal(wrongPassword.answer.reason, 'wrong-credentials');
  });

  it('keeps the TOTP step after a wrong password', async () => {
    await waitForFreshStep();
    const code = computeCode(key, 1);
    const refused = await runVerify(site, {
      user: USER,
      password: WRONG_PASSWORD,
      code,
    });
    const accepted = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code,
    });
    assert.equal(refused.exitCode, 1);
    assert.equal(accepted.exitCode, 0, 'the code still works afterwards');
  });

  it('keeps the one-time password after a wrong password', async () => {
    const code = codes[0] ?? '';
    const refused = await runVerify(site, {
      user: USER,
      password: WRONG_PASSWORD,
      code,
    });
    assert.equal(refused.exitCode, 1);
    assert.equal(refused.answer.reason, 'wrong-credentials');
    assert.equal(await countUnused(), 3);

    const accepted = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code,
    });
    assert.equal(accepted.exitCode, 0);
    assert.equal(await countUnused(), 2);
  });

  it('spends nothing without a code', async () => {
    const result = await runVerify(site, { user: USER, password: PASSWORD });
    assert.equal(result.answer.reason, 'second-factor-required');
    assert.equal(await countUnused(), 2);
  });

  it('answers an unknown account like a mismatch', async () => {
    const result = await runVerify(site, {
      user: 'nobody@example.org',
      password: PASSWORD,
      code: codes[1] ?? '',
    });
    assert.equal(result.exitCode, 1);
    assert.equal(result.answer.reason, 'wrong-credentials');
    assert.equal(await countUnused(), 2);
  });

  it('answers a disabled account like a mismatch', async () => {
    await site.cliJSON(['user', 'disable', USER]);
    const result = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: codes[1] ?? '',
    });
    await site.cliJSON(['user', 'enable', USER]);
    assert.equal(result.answer.reason, 'wrong-credentials');
    assert.equal(await countUnused(), 2);
  });

  it('logs which part was wrong', () => {
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(log, /outcome=reject reason=wrong-password user=mismatch@/);
    assert.match(
      log,
      /outcome=reject reason=wrong-second-factor user=mismatch@.*factor=totp/,
    );
    assert.match(log, /outcome=reject reason=account-disabled user=mismatch@/);
  });
});
