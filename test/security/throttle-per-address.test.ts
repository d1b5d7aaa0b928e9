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
const PASSWORD = 'per-address secret';
const ADDRESS_LIMIT = 3;

describe('throttle per address', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig:
        FAST_ARGON2_CONFIG +
        `[throttle]\naddress_failures = ${ADDRESS_LIMIT}\n` +
        'account_failures = 100\nwindow_seconds = 600\n',
    });
    for (const user of ['alice', 'bob', 'carol', 'dave']) {
      await addAccount(site, `${user}@example.org`, PASSWORD);
    }
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('refuses right password past limit', async () => {
    const from = { remoteIP: '192.0.2.10' };
    for (let attempt = 0; attempt < ADDRESS_LIMIT; attempt++) {
      const status = await attemptLogin(
        site,
        'alice@example.org',
        'guess',
        from,
      );
      assert.equal(status, REJECT, `guess ${attempt + 1}`);
    }

    const status = await attemptLogin(
      site,
      'alice@example.org',
      PASSWORD,
      from,
    );

    assert.equal(status, REJECT);
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(log, /outcome=reject reason=throttled .*throttled_by=address/);
    const history = await site.cli([
      'log',
      'alice@example.org',
      '--limit',
      '1',
    ]);
    assert.match(
      history.stdout,
      /refused on IMAP from 192\.0\.2\.10: too many failed logins from this address/,
    );
  });

  it('account unthrottle keeps address count', async () => {
    const result = await site.cliJSON(['unthrottle', 'alice@example.org']);

    assert.equal(result.cleared, ADDRESS_LIMIT);
    const status = await attemptLogin(site, 'alice@example.org', PASSWORD, {
      remoteIP: '192.0.2.10',
    });
    assert.equal(status, REJECT);
  });

  it('leaves other addresses alone', async () => {
    const status = await attemptLogin(site, 'alice@example.org', PASSWORD, {
      remoteIP: '192.0.2.11',
    });

    assert.equal(status, ACCEPT);
  });

  it('counts guesses across usernames', async () => {
    const from = { remoteIP: '192.0.2.20' };
    for (const user of ['bob@example.org', 'nobody@example.org', 'carol']) {
      assert.equal(await attemptLogin(site, user, 'guess', from), REJECT);
    }

    const status = await attemptLogin(site, 'dave@example.org', PASSWORD, from);

    assert.equal(status, REJECT);
  });

  it('groups IPv6 by /64 prefix', async () => {
    for (let host = 1; host <= ADDRESS_LIMIT; host++) {
      const from = { remoteIP: `2001:db8:1:2::${host}` };
      assert.equal(
        await attemptLogin(site, 'bob@example.org', 'x1', from),
        REJECT,
      );
    }

    const sameNetwork = { remoteIP: '2001:db8:1:2:ffff::9' };
    const otherNetwork = { remoteIP: '2001:db8:1:3::1' };
    const user = 'bob@example.org';
    assert.equal(await attemptLogin(site, user, PASSWORD, sameNetwork), REJECT);
    assert.equal(
      await attemptLogin(site, user, PASSWORD, otherNetwork),
      ACCEPT,
    );
  });

  it('unthrottle clears one address', async () => {
    const result = await site.cliJSON([
      'unthrottle',
      '--address',
      '192.0.2.10',
    ]);

    assert.equal(result.address, '192.0.2.10');
    assert.equal(result.cleared, ADDRESS_LIMIT);
    const status = await attemptLogin(site, 'alice@example.org', PASSWORD, {
      remoteIP: '192.0.2.10',
    });
    assert.equal(status, ACCEPT);
  });
});
