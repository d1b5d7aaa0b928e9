import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  attemptLogin,
  FAST_ARGON2_CONFIG,
} from '../support/login-attempts.ts';

const PASSWORD = 'pruning secret';
const USER = 'alice@example.org';
// One insert in 16 prunes, so 16 logins are sure to run one pruning pass.
const LOGINS_PER_PRUNE = 16;

describe('login history pruning', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig: FAST_ARGON2_CONFIG + '[history]\nkeep_days = 7\n',
    });
    await addAccount(site, USER, PASSWORD);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('deletes events past keep_days', async () => {
    const server = mariadb as MariaDBServer;
    await attemptLogin(site, USER, PASSWORD, { remoteIP: '192.0.2.1' });
    await attemptLogin(site, USER, PASSWORD, { remoteIP: '192.0.2.2' });
    const table = await findHistoryTable(server);
    await server.rootQuery(
      `UPDATE ${table} SET created_at = created_at - INTERVAL 8 DAY`,
    );

    for (let login = 0; login < LOGINS_PER_PRUNE; login++) {
      await attemptLogin(site, USER, PASSWORD, { remoteIP: '192.0.2.3' });
    }

    const old = await server.rootQuery(
      `SELECT COUNT(*) FROM ${table} WHERE remote_ip <> '192.0.2.3'`,
    );
    const recent = await server.rootQuery(`SELECT COUNT(*) FROM ${table}`);
    assert.equal(old, '0');
    assert.equal(recent, String(LOGINS_PER_PRUNE));
  });
});

async function findHistoryTable(server: MariaDBServer): Promise<string> {
  const schema = await server.rootQuery(
    'SELECT table_schema FROM information_schema.tables WHERE ' +
      "table_name = 'login_events' LIMIT 1",
  );
  assert.match(schema, /^passgate_[0-9a-f]+$/);
  return `${schema}.login_events`;
}
