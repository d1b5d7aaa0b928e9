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
import { recordSecret } from '../support/secrets.ts';

const ACCEPT = 0;
const REJECT = 1;
const PASSWORD = 'correct horse battery';

describe('revocation at the next login', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let serial = 0;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig: FAST_ARGON2_CONFIG,
    });
  });

  after(async () => {
    await mariadb?.destroy();
  });

  async function newAccount(): Promise<string> {
    serial += 1;
    const username = `user${serial}@example.org`;
    await addAccount(site, username, PASSWORD);
    return username;
  }

  it('disabled app password stops working', async () => {
    const user = await newAccount();
    const appPassword = await addAppPassword(site, user);
    assert.equal(await attemptLogin(site, user, appPassword.password), ACCEPT);

    await site.cliJSON(['app-password', 'disable', user, `${appPassword.id}`]);

    assert.equal(await attemptLogin(site, user, appPassword.password), REJECT);
  });

  it('deleted app password stops working', async () => {
    const user = await newAccount();
    const appPassword = await addAppPassword(site, user);
    assert.equal(await attemptLogin(site, user, appPassword.password), ACCEPT);

    await site.cliJSON(['app-password', 'delete', user, `${appPassword.id}`]);

    assert.equal(await attemptLogin(site, user, appPassword.password), REJECT);
  });

  it('app passwords off stops them', async () => {
    const user = await newAccount();
    const appPassword = await addAppPassword(site, user);
    assert.equal(await attemptLogin(site, user, appPassword.password), ACCEPT);

    await site.cliJSON(['app-password', 'off', user]);

    assert.equal(await attemptLogin(site, user, appPassword.password), REJECT);
    assert.equal(await attemptLogin(site, user, PASSWORD), ACCEPT);
  });

  it('2FA on stops the account password', async () => {
    const user = await newAccount();
    assert.equal(await attemptLogin(site, user, PASSWORD), ACCEPT);
    await site.cliJSON(['2fa', 'otp', user, '--count', '1']);

    await site.cliJSON(['2fa', 'on', user]);

    assert.equal(await attemptLogin(site, user, PASSWORD), REJECT);
  });

  it('disabled account stops every secret', async () => {
    const user = await newAccount();
    const appPassword = await addAppPassword(site, user);
    assert.equal(await attemptLogin(site, user, appPassword.password), ACCEPT);

    await site.cliJSON(['user', 'disable', user]);

    assert.equal(await attemptLogin(site, user, appPassword.password), REJECT);
    const webmail = { service: 'webmail' };
    assert.equal(await attemptLogin(site, user, PASSWORD, webmail), REJECT);
  });

  it('changed password stops the old one', async () => {
    const user = await newAccount();
    assert.equal(await attemptLogin(site, user, PASSWORD), ACCEPT);
    const newPassword = 'a different passphrase';
    recordSecret(newPassword);

    await site.cliJSON(
      ['user', 'passwd', user, '--password-stdin'],
      newPassword,
    );

    assert.equal(await attemptLogin(site, user, PASSWORD), REJECT);
    assert.equal(await attemptLogin(site, user, newPassword), ACCEPT);
  });

  it('failed kick warns but keeps change', async () => {
    const kickSite = await createPassgateSite(mariadb as MariaDBServer, {
      extraConfig:
        FAST_ARGON2_CONFIG +
        '[dovecot]\nkick = true\ndoveadm_path = "/nonexistent/doveadm"\n',
    });
    await addAccount(kickSite, 'kick@example.org', PASSWORD);

    const result = await kickSite.cli(['user', 'disable', 'kick@example.org']);

    assert.equal(result.exitCode, 0);
    assert.match(
      result.stderr,
      /^passgate: warning: open sessions of kick@example\.org were not ended: cannot run doveadm: ENOENT\. The change applies to new logins/,
    );
    const status = await attemptLogin(kickSite, 'kick@example.org', PASSWORD);
    assert.equal(status, REJECT);
  });

  it('deleted account stops every secret', async () => {
    const user = await newAccount();
    assert.equal(await attemptLogin(site, user, PASSWORD), ACCEPT);

    await site.cliJSON(['user', 'delete', user, '--yes']);

    assert.equal(await attemptLogin(site, user, PASSWORD), REJECT);
  });
});
