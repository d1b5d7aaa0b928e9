import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  computeCode,
  runVerify,
  waitForFreshStep,
} from '../support/verify.ts';

const USER = 'outage@example.org';
const PASSWORD = 'outage-Password-1';

// With the database down or hung, verify is a temporary failure (111)
// within the deadline, and no code counts as spent: the same codes work
// once the database is back.
describe('verify with the database down', () => {
  let mariadb: MariaDBServer;
  let site: PassgateSite;
  let key: string;
  let oneTimePassword: string;
  let totpCode: string;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    await addAccount(site, USER, PASSWORD);
    key = (await site.cliJSON(['2fa', 'totp', USER])).secret;
    const list = await site.cliJSON(['2fa', 'otp', USER, '--count', '2']);
    oneTimePassword = list.codes[0];
    await site.cliJSON(['2fa', 'on', USER]);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('answers tempfail while the server is stopped', async () => {
    await waitForFreshStep(25);
    totpCode = computeCode(key);
    await mariadb.stop();

    for (const code of [oneTimePassword, totpCode]) {
      const result = await runVerify(site, {
        user: USER,
        password: PASSWORD,
        code,
      });
      assert.equal(result.exitCode, 111);
      assert.deepEqual(result.answer, {
        outcome: 'tempfail',
        reason: 'database-unavailable',
        message: 'database unavailable',
      });
      assert.match(
        result.stderr,
        /outcome=tempfail reason=database-unavailable/,
      );
    }
  });

  it('accepts the same codes after a restart', async () => {
    await mariadb.start();
    const otp = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: oneTimePassword,
    });
    const totp = await runVerify(site, {
      user: USER,
      password: PASSWORD,
      code: totpCode,
    });
    assert.equal(otp.exitCode, 0, 'the one-time password was not spent');
    assert.equal(totp.exitCode, 0, 'the TOTP step was not spent');
  });

  it('answers tempfail within the deadline when hung', async () => {
    mariadb.pause();
    const started = Date.now();
    try {
      const result = await runVerify(site, {
        user: USER,
        password: PASSWORD,
        code: '123456',
      });
      assert.equal(result.exitCode, 111);
      assert.equal(result.answer.outcome, 'tempfail');
    } finally {
      mariadb.resume();
    }
    // The test site sets deadline_seconds = 4; allow for process start.
    assert.ok(Date.now() - started < 6000, 'verify ended within the deadline');
  });

  it('answers deadline-exceeded past the deadline', async () => {
    // A connect timeout longer than the deadline leaves the deadline to end
    // the login while the server does not answer.
    const configPath = join(site.dir, 'short-deadline.toml');
    const config = readFileSync(site.configPath, 'utf8')
      .replace(/^deadline_seconds = .*$/m, 'deadline_seconds = 1')
      .replace(
        /^connect_timeout_seconds = .*$/m,
        'connect_timeout_seconds = 30',
      );
    writeFileSync(configPath, config);

    mariadb.pause();
    try {
      const result = await runVerify(
        { ...site, configPath },
        { user: USER, password: PASSWORD, code: '654321' },
      );
      assert.equal(result.exitCode, 111);
      assert.deepEqual(result.answer, {
        outcome: 'tempfail',
        reason: 'deadline-exceeded',
        message: 'the login took longer than the deadline',
      });
    } finally {
      mariadb.resume();
    }
  });

  it('logs no failed login during the outage', () => {
    const log = readFileSync(site.logPath, 'utf8');
    assert.doesNotMatch(log, /outcome=reject/);
    assert.match(log, /error event=login door=verify outcome=tempfail/);
  });
});
