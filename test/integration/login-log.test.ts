import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  addAppPassword,
  attemptLogin,
  FAST_ARGON2_CONFIG,
} from '../support/login-attempts.ts';

const PASSWORD = 'history secret';
const USER = 'alice@example.org';

describe('passgate log', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig: FAST_ARGON2_CONFIG,
    });
    await addAccount(site, USER, PASSWORD);
    await attemptLogin(site, USER, PASSWORD, { remoteIP: '192.0.2.7' });
    await addAppPassword(site, USER);
    await attemptLogin(site, USER, PASSWORD, { remoteIP: '192.0.2.8' });
    await attemptLogin(site, USER, 'wrong', {
      service: 'pop3',
      remoteIP: '2001:db8::8',
    });
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('explains refusals newest first', async () => {
    const result = await site.cli(['log', USER]);
    const lines = result.stdout.trim().split('\n');

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(lines.length, 3);
    assert.match(
      lines[0] ?? '',
      /refused on POP3 from 2001:db8::8: no app password of this account/,
    );
    assert.match(
      lines[1] ?? '',
      /refused on IMAP from 192\.0\.2\.8: the account password is refused here because 2FA or app passwords are on; use an app password/,
    );
    assert.match(
      lines[2] ?? '',
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}accepted on IMAP from 192\.0\.2\.7 with the account password$/,
    );
  });

  it('prints JSON with reason codes', async () => {
    const result = await site.cliJSON(['log', USER, '--limit', '2']);

    assert.equal(result.user, USER);
    assert.equal(result.events.length, 2);
    const [newest, older] = result.events;
    assert.equal(newest.reason, 'wrong-app-password');
    assert.equal(newest.serviceClass, 'pop3');
    assert.equal(newest.remoteIP, '2001:db8::8');
    assert.equal(newest.failedGuess, true);
    assert.equal(older.reason, 'account-password-not-allowed');
    assert.equal(older.failedGuess, false);
    assert.match(older.explanation, /use an app password/);
  });

  it('user delete drops the history', async () => {
    const name = 'bob@example.org';
    await addAccount(site, name, PASSWORD);
    await attemptLogin(site, name, PASSWORD, { remoteIP: '192.0.2.9' });
    const oldHistory = await site.cliJSON(['log', name]);
    const deleted = await site.cli(['user', 'delete', name, '--yes']);
    await addAccount(site, name, PASSWORD);
    const newHistory = await site.cliJSON(['log', name]);
    const others = await site.cliJSON(['log', USER]);

    assert.equal(oldHistory.events.length, 1);
    assert.equal(deleted.exitCode, 0, deleted.stderr);
    assert.deepEqual(newHistory.events, []);
    assert.equal(others.events.length, 3);
  });

  it('names an empty history', async () => {
    const result = await site.cli(['log', 'nobody@example.org']);

    assert.equal(result.exitCode, 0);
    assert.match(
      result.stdout,
      /No logins of nobody@example.org in the last 30 days/,
    );
  });

  it('rejects a bad limit', async () => {
    const result = await site.cli(['log', USER, '--limit', '0']);

    assert.equal(result.exitCode, 2);
    assert.match(
      result.stderr,
      /--limit must be an integer from 1 to 1000, got 0/,
    );
  });

  it('names a limit that is not a number', async () => {
    const result = await site.cli(['log', USER, '--limit', 'ten']);

    assert.equal(result.exitCode, 2);
    assert.match(
      result.stderr,
      /--limit must be an integer from 1 to 1000, got ten\n/,
    );
  });
});
