import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  attemptLogin,
  FAST_ARGON2_CONFIG,
} from '../support/login-attempts.ts';

const ACCEPT = 0;
const REJECT = 1;
const PASSWORD = 'per-account secret';
const ACCOUNT_LIMIT = 3;

describe('throttle per account', () => {
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
    await addAccount(site, 'alice@example.org', PASSWORD);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('refuses account after spread guesses', async () => {
    for (let host = 1; host <= ACCOUNT_LIMIT; host++) {
      const from = { remoteIP: `198.51.100.${host}` };
      const status = await attemptLogin(site, 'alice@example.org', 'x', from);
      assert.equal(status, REJECT, `guess from host ${host}`);
    }

    const status = await attemptLogin(site, 'alice@example.org', PASSWORD, {
      remoteIP: '198.51.100.200',
    });

    assert.equal(status, REJECT);
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(
      log,
      /reason=throttled user=alice@example.org .*throttled_by=account/,
    );
  });

  it('log names the account limit', async () => {
    const history = await site.cliJSON([
      'log',
      'alice@example.org',
      '--limit',
      '1',
    ]);

    const [newest] = history.events;
    assert.equal(newest.reason, 'throttled');
    assert.equal(newest.throttledBy, 'account');
    assert.match(
      newest.explanation,
      /^too many failed logins for this account/,
    );
  });

  it('user show reports throttled account', async () => {
    const shown = await site.cliJSON(['user', 'show', 'alice@example.org']);

    assert.equal(shown.throttle.throttled, true);
    assert.equal(shown.throttle.recentFailures, ACCOUNT_LIMIT);
    assert.equal(shown.throttle.limit, ACCOUNT_LIMIT);
  });

  it('throttles unknown usernames alike', async () => {
    const user = 'nobody@example.org';
    for (let attempt = 0; attempt < ACCOUNT_LIMIT; attempt++) {
      assert.equal(await attemptLogin(site, user, 'x'), REJECT);
    }

    assert.equal(await attemptLogin(site, user, 'x'), REJECT);

    const log = readFileSync(site.logPath, 'utf8');
    assert.match(log, /reason=throttled user=nobody@example.org/);
  });

  it('unthrottle clears the account', async () => {
    const result = await site.cliJSON(['unthrottle', 'alice@example.org']);

    assert.equal(result.user, 'alice@example.org');
    assert.equal(result.cleared, ACCOUNT_LIMIT);
    const shown = await site.cliJSON(['user', 'show', 'alice@example.org']);
    assert.equal(shown.throttle.throttled, false);
    const status = await attemptLogin(site, 'alice@example.org', PASSWORD);
    assert.equal(status, ACCEPT);
  });

  it('unthrottle needs a user or address', async () => {
    const neither = await site.cli(['unthrottle']);
    const both = await site.cli(['unthrottle', 'alice', '--address', '::1']);

    assert.equal(neither.exitCode, 2);
    assert.match(neither.stderr, /name either a user or --address/);
    assert.equal(both.exitCode, 2);
  });
});
