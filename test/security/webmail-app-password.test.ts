import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  runCheckpassword,
  type PassgateSite,
} from '../support/passgate.ts';
import { addAccount, computeCode, runVerify } from '../support/verify.ts';

const WEBMAIL_HOST = '127.0.0.2';
const OTHER_HOST = '127.0.0.3';
const PASSWORD = 'webmail-Password-1';

// App passwords never log in to webmail: not through `verify`, and not
// through checkpassword from the webmail networks, where the account
// password works and the webmail host vouches for the second factor.
describe('app passwords and webmail', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  const appPasswords = new Map<string, string>();
  const keys = new Map<string, string>();

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      webmailNetworks: [`${WEBMAIL_HOST}/32`],
    });
    for (const user of ['off@example.org', 'on@example.org']) {
      await addAccount(site, user, PASSWORD);
      const added = await site.cliJSON(['app-password', 'add', user]);
      appPasswords.set(user, added.password);
      await site.cliJSON(['app-password', 'on', user]);
    }
    keys.set(
      'on@example.org',
      (await site.cliJSON(['2fa', 'totp', 'on@example.org'])).secret,
    );
    await site.cliJSON(['2fa', 'on', 'on@example.org']);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  function imapLogin(user: string, secret: string, remoteIP: string) {
    return runCheckpassword(
      site.configPath,
      Buffer.from(`${user}\0${secret}\0\0`),
      {
        SERVICE: 'imap',
        TCPREMOTEIP: remoteIP,
      },
    );
  }

  for (const user of ['off@example.org', 'on@example.org']) {
    const twoFactor = user.startsWith('on') ? '2FA on' : '2FA off';

    it(`verify refuses an app password, ${twoFactor}`, async () => {
      const result = await runVerify(site, {
        user,
        password: appPasswords.get(user) ?? '',
      });
      assert.equal(result.exitCode, 1);
      assert.deepEqual(result.answer, {
        outcome: 'rejected',
        reason: 'app-password-not-for-webmail',
        message: 'app passwords cannot log in to webmail',
      });
    });

    it(`webmail IMAP refuses an app password, ${twoFactor}`, async () => {
      const result = await imapLogin(
        user,
        appPasswords.get(user) ?? '',
        WEBMAIL_HOST,
      );
      assert.equal(result.exitCode, 1);
      assert.equal(result.reply, '');
    });

    it(`webmail IMAP takes the account password, ${twoFactor}`, async () => {
      const result = await imapLogin(user, PASSWORD, WEBMAIL_HOST);
      assert.equal(result.exitCode, 0);
      assert.match(result.reply, new RegExp(`user=${user}`));
    });

    it(`other IMAP takes the app password, ${twoFactor}`, async () => {
      const result = await imapLogin(
        user,
        appPasswords.get(user) ?? '',
        OTHER_HOST,
      );
      assert.equal(result.exitCode, 0);
    });
  }

  it('verify refuses an app password with a code', async () => {
    const result = await runVerify(site, {
      user: 'on@example.org',
      password: appPasswords.get('on@example.org') ?? '',
      code: computeCode(keys.get('on@example.org') ?? ''),
    });
    assert.equal(result.answer.reason, 'app-password-not-for-webmail');
  });

  it('other IMAP refuses the account password', async () => {
    const result = await imapLogin('on@example.org', PASSWORD, OTHER_HOST);
    assert.equal(result.exitCode, 1);
  });

  it('logs the class and the reasons', () => {
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(
      log,
      /door=checkpassword outcome=reject reason=app-password-not-for-webmail user=on@example.org service=imap class=webmail rip=127\.0\.0\.2/,
    );
    assert.match(
      log,
      /door=checkpassword outcome=accept reason=account-password user=on@example.org service=imap class=webmail/,
    );
    assert.match(
      log,
      /door=verify outcome=reject reason=app-password-not-for-webmail user=off@example.org/,
    );
  });
});
