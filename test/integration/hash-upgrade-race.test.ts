import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { authenticate } from '../../src/auth/authenticate.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { hashPassword } from '../../src/crypto/password-hash.ts';
import { readSiteKeys } from '../../src/crypto/site-key.ts';
import { findAccount, updatePasswordHash } from '../../src/storage/accounts.ts';
import { Database } from '../../src/storage/database.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import { recordSecret } from '../support/secrets.ts';

const OLD_PASSWORD = 'legacy-password-1';
const NEW_PASSWORD = 'changed-meanwhile-2';
const USER = 'race@example.org';

// Runs the password change of another process just before the login's
// rehash reaches the database, the widest window the race can have.
function changePasswordBeforeUpgrade(
  database: Database,
  newHash: string,
): Database {
  let changed = false;
  const run: Database['run'] = async (sql, values) => {
    if (!changed && sql.startsWith('UPDATE accounts SET password_hash')) {
      changed = true;
      const account = await findAccount(database, USER);
      assert.ok(account);
      await updatePasswordHash(database, account.id, newHash);
    }
    return database.run(sql, values);
  };
  return Object.assign(Object.create(database) as Database, { run });
}

describe('hash upgrade compare-and-swap', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let config: Config;
  let database: Database | undefined;

  before(async () => {
    recordSecret(OLD_PASSWORD);
    recordSecret(NEW_PASSWORD);
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    config = loadConfig(site.configPath);
    database = await Database.open(config.database);
  });

  after(async () => {
    await database?.close();
    await mariadb?.destroy();
  });

  test('password changed meanwhile is kept', async () => {
    assert.ok(database);
    await site.cliJSON(
      ['user', 'import', '-'],
      `${USER}\t{PLAIN}${OLD_PASSWORD}\n`,
    );
    const newHash = await hashPassword(
      Buffer.from(NEW_PASSWORD),
      config.argon2,
    );
    const context = {
      config,
      siteKeys: readSiteKeys(config.siteKeyFile),
      database: changePasswordBeforeUpgrade(database, newHash),
    };
    const request = {
      rawUsername: USER,
      secret: Buffer.from(OLD_PASSWORD),
      serviceName: 'imap',
      remoteIP: '192.0.2.1',
    };

    const decision = await authenticate(context, request);

    assert.equal(decision.outcome, 'accept');
    const stored = await findAccount(database, USER);
    assert.equal(stored?.passwordHash, newHash);
  });

  test('upgrade without a race replaces the hash', async () => {
    assert.ok(database);
    const user = 'calm@example.org';
    await site.cliJSON(
      ['user', 'import', '-'],
      `${user}\t{PLAIN}${OLD_PASSWORD}\n`,
    );
    const context = {
      config,
      siteKeys: readSiteKeys(config.siteKeyFile),
      database,
    };
    const request = {
      rawUsername: user,
      secret: Buffer.from(OLD_PASSWORD),
      serviceName: 'imap',
      remoteIP: '192.0.2.1',
    };

    assert.equal((await authenticate(context, request)).outcome, 'accept');
    const stored = await findAccount(database, user);
    assert.match(stored?.passwordHash ?? '', /^\$argon2id\$v=19\$/);
  });
});
