import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import { FAST_ARGON2_CONFIG } from '../support/login-attempts.ts';
import {
  addAccount,
  computeCode,
  runVerify,
  waitForFreshStep,
} from '../support/verify.ts';

const PASSWORD = 'second-factor-Throttle-1';
const ADDRESS_LIMIT = 4;
const ACCOUNT_LIMIT = 6;
const BROWSER_IP = '198.51.100.40';

// A wrong second factor on `verify` counts as a failed guess, so TOTP codes
// cannot be guessed past the failure limits, and the login history records
// the final decision of each attempt.
describe('throttle on second factor', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig:
        FAST_ARGON2_CONFIG +
        `[throttle]\naddress_failures = ${ADDRESS_LIMIT}\n` +
        `account_failures = ${ACCOUNT_LIMIT}\nwindow_seconds = 600\n`,
    });
  });

  after(async () => {
    await mariadb?.destroy();
  });

  async function createTOTPAccount(user: string): Promise<string> {
    await addAccount(site, user, PASSWORD);
    const { secret } = await site.cliJSON(['2fa', 'totp', user]);
    await site.cliJSON(['2fa', 'on', user]);
    return secret;
  }

  // `verify` reports a throttled login as wrong credentials, and the login
  // history names the reason and the limit.
  async function readLastReason(user: string): Promise<string> {
    const history = await site.cliJSON(['log', user, '--limit', '1']);
    const [event] = history.events as {
      reason: string;
      throttledBy: string | null;
    }[];
    return `${event?.reason}/${event?.throttledBy}`;
  }

  function verifyFrom(user: string, code: string, remoteIP: string) {
    return runVerify(site, {
      user,
      password: PASSWORD,
      code,
      args: ['--remote-ip', remoteIP],
    });
  }

  it('refuses right code past address limit', async () => {
    const user = 'address@example.org';
    const key = await createTOTPAccount(user);
    await waitForFreshStep(20);
    const right = computeCode(key);
    const wrong = right === '000000' ? '111111' : '000000';

    for (let attempt = 1; attempt <= ADDRESS_LIMIT; attempt++) {
      const guess = await verifyFrom(user, wrong, BROWSER_IP);
      assert.equal(guess.exitCode, 1, `wrong code ${attempt}`);
      assert.equal(guess.answer.reason, 'wrong-credentials');
    }
    const late = await verifyFrom(user, right, BROWSER_IP);

    assert.equal(late.exitCode, 1);
    assert.equal(late.answer.reason, 'wrong-credentials');
    assert.equal(await readLastReason(user), 'throttled/address');
    const other = await verifyFrom(user, right, '198.51.100.41');
    assert.equal(other.exitCode, 0, 'the code was not spent while throttled');
    assert.equal(other.answer.reason, 'second-factor');
  });

  it('refuses right code past account limit', async () => {
    const user = 'account@example.org';
    const key = await createTOTPAccount(user);
    await waitForFreshStep(25);
    const right = computeCode(key);
    const wrong = right === '000000' ? '111111' : '000000';

    for (let attempt = 1; attempt <= ACCOUNT_LIMIT; attempt++) {
      const guess = await verifyFrom(user, wrong, `203.0.113.${attempt}`);
      assert.equal(guess.exitCode, 1, `wrong code ${attempt}`);
    }
    const late = await verifyFrom(user, right, '203.0.113.200');

    assert.equal(late.exitCode, 1);
    assert.equal(await readLastReason(user), 'throttled/account');
  });

  it('records final decisions in history', async () => {
    const user = 'history@example.org';
    const key = await createTOTPAccount(user);
    await waitForFreshStep(20);
    const right = computeCode(key);
    const wrong = right === '000000' ? '111111' : '000000';
    const from = '192.0.2.60';

    await verifyFrom(user, '', from);
    await verifyFrom(user, wrong, from);
    await runVerify(site, {
      user,
      password: 'not the password',
      code: right,
      args: ['--remote-ip', from],
    });
    await verifyFrom(user, right, from);
    const history = await site.cliJSON(['log', user, '--limit', '4']);

    const events = history.events as {
      outcome: string;
      reason: string;
      failedGuess: boolean;
    }[];
    const summary = events
      .map((event) => `${event.outcome}/${event.reason}/${event.failedGuess}`)
      .reverse();
    assert.deepEqual(summary, [
      'reject/second-factor-required/false',
      'reject/wrong-second-factor/true',
      'reject/wrong-password/true',
      'accept/second-factor/false',
    ]);
    const text = await site.cli(['log', user, '--limit', '4']);
    const lines = text.stdout.trim().split('\n');
    assert.match(lines[3] ?? '', /refused on webmail .*second factor required/);
    assert.match(lines[0] ?? '', /accepted on webmail .*second factor/);
  });
});
