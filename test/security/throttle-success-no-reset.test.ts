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

const ACCEPT = 0;
const REJECT = 1;
const PASSWORD = 'no-reset secret';
const ACCOUNT_LIMIT = 3;

describe('throttle success resets nothing', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig:
        FAST_ARGON2_CONFIG +
        '[throttle]\naddress_failures = 100\n' +
        `account_failures = ${ACCOUNT_LIMIT}\nwindow_seconds = 600\n`,
    });
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('app password success keeps the count', async () => {
    const user = 'alice@example.org';
    await addAccount(site, user, PASSWORD);
    const appPassword = await addAppPassword(site, user);
    const webmail = { service: 'webmail', remoteIP: '192.0.2.50' };
    for (let attempt = 1; attempt < ACCOUNT_LIMIT; attempt++) {
      assert.equal(await attemptLogin(site, user, 'x', webmail), REJECT);
    }

    assert.equal(await attemptLogin(site, user, appPassword.password), ACCEPT);
    const shown = await site.cliJSON(['user', 'show', user]);
    assert.equal(shown.throttle.recentFailures, ACCOUNT_LIMIT - 1);

    assert.equal(await attemptLogin(site, user, 'x', webmail), REJECT);
    assert.equal(await attemptLogin(site, user, PASSWORD, webmail), REJECT);
    assert.equal(await attemptLogin(site, user, appPassword.password), REJECT);
  });

  it('account password success keeps the count', async () => {
    const user = 'bob@example.org';
    await addAccount(site, user, PASSWORD);
    for (let attempt = 1; attempt < ACCOUNT_LIMIT; attempt++) {
      assert.equal(await attemptLogin(site, user, 'x'), REJECT);
    }

    assert.equal(await attemptLogin(site, user, PASSWORD), ACCEPT);

    const shown = await site.cliJSON(['user', 'show', user]);
    assert.equal(shown.throttle.recentFailures, ACCOUNT_LIMIT - 1);
  });

  it('stale client secret does not count', async () => {
    const user = 'carol@example.org';
    await addAccount(site, user, PASSWORD);
    const appPassword = await addAppPassword(site, user);
    for (let attempt = 0; attempt <= ACCOUNT_LIMIT; attempt++) {
      assert.equal(await attemptLogin(site, user, PASSWORD), REJECT);
    }

    const shown = await site.cliJSON(['user', 'show', user]);
    assert.equal(shown.throttle.recentFailures, 0);
    assert.equal(await attemptLogin(site, user, appPassword.password), ACCEPT);
  });
});
