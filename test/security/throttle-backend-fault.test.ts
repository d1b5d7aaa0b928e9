import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  attemptLogin,
  FAST_ARGON2_CONFIG,
} from '../support/login-attempts.ts';

const ACCEPT = 0;
const TEMPFAIL = 111;
const PASSWORD = 'fault-proof secret';
const LIMIT = 2;

describe('throttle ignores backend faults', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig:
        FAST_ARGON2_CONFIG +
        `[throttle]\naddress_failures = ${LIMIT}\n` +
        `account_failures = ${LIMIT}\nwindow_seconds = 600\n`,
    });
    await addAccount(site, 'alice@example.org', PASSWORD);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('database down counts no failure', async () => {
    const server = mariadb as MariaDBServer;
    const from = { remoteIP: '203.0.113.5' };
    await server.stop();
    try {
      for (let attempt = 0; attempt <= LIMIT; attempt++) {
        const status = await attemptLogin(site, 'alice@example.org', 'x', from);
        assert.equal(status, TEMPFAIL, `attempt ${attempt + 1}`);
      }
    } finally {
      await server.start();
    }

    const shown = await site.cliJSON(['user', 'show', 'alice@example.org']);
    assert.equal(shown.throttle.recentFailures, 0);
    const history = await site.cliJSON(['log', 'alice@example.org']);
    assert.deepEqual(history.events, []);
    const status = await attemptLogin(
      site,
      'alice@example.org',
      PASSWORD,
      from,
    );
    assert.equal(status, ACCEPT);
  });

  it('missing schema counts no failure', async () => {
    const server = mariadb as MariaDBServer;
    const from = { remoteIP: '203.0.113.6' };
    const table = await findHistoryTable(server);
    await server.rootQuery(`RENAME TABLE ${table} TO ${table}_away`);
    try {
      for (let attempt = 0; attempt <= LIMIT; attempt++) {
        const status = await attemptLogin(site, 'alice@example.org', 'x', from);
        assert.equal(status, TEMPFAIL, `attempt ${attempt + 1}`);
      }
    } finally {
      await server.rootQuery(`RENAME TABLE ${table}_away TO ${table}`);
    }

    const status = await attemptLogin(
      site,
      'alice@example.org',
      PASSWORD,
      from,
    );
    assert.equal(status, ACCEPT);
  });
});

// The site's database has a random name; its history table is the one
// login_events table on the server.
async function findHistoryTable(server: MariaDBServer): Promise<string> {
  const schema = await server.rootQuery(
    'SELECT table_schema FROM information_schema.tables WHERE ' +
      "table_name = 'login_events' LIMIT 1",
  );
  assert.match(schema, /^passgate_[0-9a-f]+$/);
  return `${schema}.login_events`;
}
