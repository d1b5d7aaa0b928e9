import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  attemptLogin,
  FAST_ARGON2_CONFIG,
} from '../support/login-attempts.ts';

const ACCEPT = 0;
const REJECT = 1;
const PASSWORD = 'cooling secret';
const LIMIT = 2;
const WINDOW_SECONDS = 2;

describe('throttle window cools', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig:
        FAST_ARGON2_CONFIG +
        `[throttle]\naddress_failures = ${LIMIT}\n` +
        `account_failures = ${LIMIT}\nwindow_seconds = ${WINDOW_SECONDS}\n`,
    });
    await addAccount(site, 'alice@example.org', PASSWORD);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('accepts again after the window', async () => {
    const from = { remoteIP: '192.0.2.99' };
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      assert.equal(
        await attemptLogin(site, 'alice@example.org', 'x', from),
        REJECT,
      );
    }
    const during = await attemptLogin(
      site,
      'alice@example.org',
      PASSWORD,
      from,
    );

    await sleep(WINDOW_SECONDS * 1000 + 500);
    const afterWindow = await attemptLogin(
      site,
      'alice@example.org',
      PASSWORD,
      from,
    );

    assert.equal(during, REJECT);
    assert.equal(afterWindow, ACCEPT);
  });
});
