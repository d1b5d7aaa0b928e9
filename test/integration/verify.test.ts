import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { runCommand } from '../support/process.ts';
import { recordSecret } from '../support/secrets.ts';
import {
  addAccount,
  computeCode,
  runVerify,
  runVerifyRaw,
} from '../support/verify.ts';

const PASSWORD = 'verify-Password-1';

describe('passgate verify', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let totpKey: string;
  let oneTimePasswords: string[];

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    await addAccount(site, 'plain@example.org', PASSWORD);
    await addAccount(site, 'twofa@example.org', PASSWORD);
    totpKey = (await site.cliJSON(['2fa', 'totp', 'twofa@example.org'])).secret;
    oneTimePasswords = (
      await site.cliJSON(['2fa', 'otp', 'twofa@example.org', '--count', '5'])
    ).codes;
    await site.cliJSON(['2fa', 'on', 'twofa@example.org']);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  describe('account with 2FA off', () => {
    it('accepts the account password alone', async () => {
      const result = await runVerify(site, {
        user: 'plain@example.org',
        password: PASSWORD,
      });
      assert.equal(result.exitCode, 0);
      assert.deepEqual(result.answer, {
        outcome: 'accepted',
        reason: 'account-password',
        message: 'accepted with the account password',
      });
    });

    it('ignores a code that is given', async () => {
      const result = await runVerify(site, {
        user: 'plain@example.org',
        password: PASSWORD,
        code: '000000',
      });
      assert.equal(result.exitCode, 0);
      assert.equal(result.answer.reason, 'account-password');
    });

    it('rejects a wrong password', async () => {
      const result = await runVerify(site, {
        user: 'plain@example.org',
        password: 'wrong-Password-1',
      });
      assert.equal(result.exitCode, 1);
      assert.deepEqual(result.answer, {
        outcome: 'rejected',
        reason: 'wrong-credentials',
        message: 'wrong username, password or code',
      });
    });

    it('answers an unknown user like a wrong password', async () => {
      const result = await runVerify(site, {
        user: 'nobody@example.org',
        password: PASSWORD,
      });
      assert.equal(result.exitCode, 1);
      assert.equal(result.answer.reason, 'wrong-credentials');
    });

    it('accepts the username in another case', async () => {
      const result = await runVerify(site, {
        user: 'Plain@Example.ORG',
        password: PASSWORD,
      });
      assert.equal(result.exitCode, 0);
    });
  });

  describe('account with 2FA on', () => {
    it('accepts the password and a TOTP code', async () => {
      const result = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
        code: computeCode(totpKey),
      });
      assert.equal(result.exitCode, 0);
      assert.deepEqual(result.answer, {
        outcome: 'accepted',
        reason: 'second-factor',
        message: 'accepted with the account password and a second factor',
      });
    });

    it('asks for the code after a right password', async () => {
      const result = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
      });
      assert.equal(result.exitCode, 1);
      assert.equal(result.answer.reason, 'second-factor-required');
    });

    it('hides 2FA from a wrong password without code', async () => {
      const result = await runVerify(site, {
        user: 'twofa@example.org',
        password: 'wrong-Password-1',
      });
      assert.equal(result.exitCode, 1);
      assert.equal(result.answer.reason, 'wrong-credentials');
    });

    it('rejects a code that is not a code', async () => {
      const result = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
        code: 'not a code',
      });
      assert.equal(result.exitCode, 1);
      assert.equal(result.answer.reason, 'wrong-credentials');
    });

    it('accepts a one-time password once', async () => {
      const code = oneTimePasswords[0] ?? '';
      const first = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
        code,
      });
      const second = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
        code,
      });
      assert.equal(first.exitCode, 0);
      assert.equal(first.answer.reason, 'second-factor');
      assert.equal(second.exitCode, 1);
      assert.equal(second.answer.reason, 'code-already-used');
    });

    it('accepts a one-time password retyped loosely', async () => {
      const code = oneTimePasswords[1] ?? '';
      const retyped = ` ${code.replaceAll('-', ' ').toUpperCase()} `;
      recordSecret(retyped.trim());
      const result = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
        code: retyped,
      });
      assert.equal(result.exitCode, 0);
    });

    it('reports the remaining one-time passwords', async () => {
      const shown = await site.cliJSON(['user', 'show', 'twofa@example.org']);
      assert.equal(shown.unusedOneTimePasswords, 3);
    });

    it('voids the old list with a new one', async () => {
      const old = oneTimePasswords[2] ?? '';
      const list = await site.cliJSON([
        '2fa',
        'otp',
        'twofa@example.org',
        '--count',
        '4',
      ]);
      assert.equal(list.replacedUnused, 3);
      assert.equal(list.unused, 4);

      const refused = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
        code: old,
      });
      const accepted = await runVerify(site, {
        user: 'twofa@example.org',
        password: PASSWORD,
        code: list.codes[0],
      });
      assert.equal(refused.answer.reason, 'wrong-credentials');
      assert.equal(accepted.exitCode, 0);
      const shown = await site.cliJSON(['user', 'show', 'twofa@example.org']);
      assert.equal(shown.unusedOneTimePasswords, 3);
    });
  });

  describe('input, options and output', () => {
    it('rejects a request without NULs', async () => {
      const result = await runVerifyRaw(site, 'plain@example.org');
      assert.equal(result.exitCode, 2);
      assert.equal(JSON.parse(result.stdout).outcome, 'misuse');
      assert.match(result.stderr, /reason=malformed-request/);
    });

    it('rejects more than 1024 bytes', async () => {
      const padding = 'x'.repeat(1100);
      recordSecret(padding);
      const result = await runVerifyRaw(
        site,
        `plain@example.org\0${padding}\0\0`,
      );
      assert.equal(result.exitCode, 2);
      assert.deepEqual(JSON.parse(result.stdout), {
        outcome: 'misuse',
        reason: 'malformed-request',
        message: 'malformed request',
      });
    });

    it('rejects an unmapped service name', async () => {
      const result = await runVerifyRaw(
        site,
        `plain@example.org\0${PASSWORD}\0\0`,
        ['--service', 'gopher'],
      );
      assert.equal(result.exitCode, 2);
      assert.match(
        result.stderr,
        /--service .*gopher.* is not mapped to a service class/,
      );
    });

    it('rejects an unknown option', async () => {
      const result = await runVerifyRaw(site, '', ['--user', 'x']);
      assert.equal(result.exitCode, 2);
      assert.match(result.stderr, /unknown argument .*--user/);
    });

    it('prints one line without --json', async () => {
      const result = await runCommand(
        PASSGATE_BIN,
        ['verify', '--config', site.configPath],
        { input: `plain@example.org\0${PASSWORD}\0\0` },
      );
      assert.equal(result.exitCode, 0);
      assert.equal(
        result.stdout,
        'accepted: accepted with the account password\n',
      );
    });

    it('prints its usage with --help', async () => {
      const result = await runCommand(PASSGATE_BIN, ['verify', '--help']);
      assert.equal(result.exitCode, 2);
      assert.match(result.stdout, /Usage: passgate verify/);
    });
  });

  describe('decision log', () => {
    it('logs each decision with door verify', () => {
      const log = readFileSync(site.logPath, 'utf8');
      assert.match(
        log,
        /event=login door=verify outcome=accept reason=second-factor user=twofa@example.org service=webmail class=webmail factor=totp/,
      );
      assert.match(
        log,
        /door=verify outcome=reject reason=wrong-password user=plain@example.org/,
      );
      assert.match(
        log,
        /door=verify outcome=reject reason=code-already-used .*factor=one-time-password/,
      );
      assert.match(
        log,
        /door=verify outcome=reject reason=unknown-account user=nobody@example.org/,
      );
    });

    it('logs the remote address it was given', async () => {
      await runVerify(site, {
        user: 'plain@example.org',
        password: PASSWORD,
        args: ['--remote-ip', '198.51.100.23'],
      });
      const log = readFileSync(site.logPath, 'utf8');
      assert.match(log, /reason=account-password .*rip=198\.51\.100\.23/);
    });
  });
});
