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

const PASSWORD = 'drift-Password-1';

// The window is one step each side by default. A code one step beyond it
// is rejected. The log records clock-drift with the offset in steps, while
// the caller gets only wrong-credentials.
describe('TOTP window and clock drift', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  async function verifyAtOffset(user: string, offsetSteps: number) {
    await addAccount(site, user, PASSWORD);
    const { secret } = await site.cliJSON(['2fa', 'totp', user]);
    await site.cliJSON(['2fa', 'on', user]);
    await waitForFreshStep();
    return runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(secret, offsetSteps),
    });
  }

  function readLogLine(user: string): string {
    const lines = readFileSync(site.logPath, 'utf8').split('\n');
    return lines.filter((line) => line.includes(`user=${user} `)).at(-1) ?? '';
  }

  for (const offset of [-1, 1]) {
    it(`accepts the window edge at ${offset} step`, async () => {
      const user = `edge${offset}@example.org`;
      const result = await verifyAtOffset(user, offset);
      assert.equal(result.exitCode, 0);
      assert.match(readLogLine(user), /reason=second-factor .*factor=totp$/);
    });
  }

  for (const offset of [-2, 2, -10, 11]) {
    it(`refuses a code ${offset} steps away`, async () => {
      const user = `drift${offset}@example.org`;
      const result = await verifyAtOffset(user, offset);
      assert.equal(result.exitCode, 1);
      assert.equal(result.answer.reason, 'wrong-credentials');
      assert.match(
        readLogLine(user),
        new RegExp(`reason=clock-drift .*factor=totp drift_steps=${offset}$`),
      );
    });
  }

  it('logs a far-off code as a wrong code', async () => {
    const user = 'far@example.org';
    const result = await verifyAtOffset(user, 40);
    assert.equal(result.exitCode, 1);
    assert.match(
      readLogLine(user),
      /reason=wrong-second-factor .*factor=totp$/,
    );
  });

  it('does not spend a drifted step', async () => {
    const user = 'drift-then-now@example.org';
    await addAccount(site, user, PASSWORD);
    const { secret } = await site.cliJSON(['2fa', 'totp', user]);
    await site.cliJSON(['2fa', 'on', user]);
    await waitForFreshStep();

    const ahead = await runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(secret, 3),
    });
    const now = await runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(secret, 0),
    });
    assert.equal(ahead.exitCode, 1);
    assert.equal(now.exitCode, 0);
  });

  describe('with window_steps = 0', () => {
    let narrow: PassgateSite;

    before(async () => {
      narrow = await createPassgateSite(mariadb as MariaDBServer, {
        extraConfig: '[totp]\nwindow_steps = 0',
      });
    });

    it('refuses the previous step as drift', async () => {
      const user = 'narrow@example.org';
      await addAccount(narrow, user, PASSWORD);
      const { secret } = await narrow.cliJSON(['2fa', 'totp', user]);
      await narrow.cliJSON(['2fa', 'on', user]);
      await waitForFreshStep();

      const previous = await runVerify(narrow, {
        user,
        password: PASSWORD,
        code: computeCode(secret, -1),
      });
      const current = await runVerify(narrow, {
        user,
        password: PASSWORD,
        code: computeCode(secret, 0),
      });
      assert.equal(previous.exitCode, 1);
      assert.equal(current.exitCode, 0);
      assert.match(
        readFileSync(narrow.logPath, 'utf8'),
        /reason=clock-drift .*drift_steps=-1/,
      );
    });
  });
});
