import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { totpKeyContext } from '../../src/crypto/totp.ts';
import { loadConfig } from '../../src/config/config.ts';
import { openSecret } from '../../src/crypto/secret-box.ts';
import { listOneTimePasswordDigests } from '../../src/crypto/site-key-ring.ts';
import { readSiteKeys } from '../../src/crypto/site-key.ts';
import { findAccount } from '../../src/storage/accounts.ts';
import { Database } from '../../src/storage/database.ts';
import { consumeOneTimePassword } from '../../src/storage/one-time-passwords.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  runCheckpassword,
  type PassgateSite,
} from '../support/passgate.ts';
import { recordSecret } from '../support/secrets.ts';

const USER = 'rotate@example.org';
const PASSWORD = 'rotation-account-password';
const IMAP = { SERVICE: 'imap', TCPREMOTEIP: '192.0.2.40' };

function login(site: PassgateSite, password: string) {
  return runCheckpassword(
    site.configPath,
    Buffer.from(`${USER}\0${password}\0`),
    IMAP,
  );
}

describe('site key rotation', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  let firstAppPassword: string;
  let secondAppPassword: string;
  let totpSecret: string;
  let codes: string[];
  let firstKeyId: string;

  before(async () => {
    recordSecret(PASSWORD);
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    await site.cliJSON(
      ['user', 'add', USER, '--password-stdin'],
      `${PASSWORD}\n`,
    );
    await site.cliJSON(['app-password', 'on', USER]);
    firstAppPassword = (await site.cliJSON(['app-password', 'add', USER]))
      .password;
    totpSecret = (await site.cliJSON(['2fa', 'totp', USER])).secret;
    codes = (await site.cliJSON(['2fa', 'otp', USER])).codes;
    firstKeyId = (await site.cliJSON(['key', 'status'])).keys[0].keyId;
  });

  after(async () => {
    await mariadb?.destroy();
  });

  test('rotate adds a key and counts old rows', async () => {
    const result = await site.cliJSON(['key', 'rotate']);

    assert.equal(result.keyIds.length, 2);
    assert.equal(result.keyIds[1], firstKeyId);
    assert.equal(result.oldKeyRows.appPasswords[firstKeyId], 1);
    assert.equal(result.oldKeyRows.oneTimePasswords[firstKeyId], codes.length);
    assert.equal(result.oldKeyRows.totpKeys[firstKeyId], 1);
    const stat = statSync(site.siteKeyPath);
    assert.equal(stat.size, 64);
    assert.equal(stat.mode & 0o777, 0o600);
  });

  test('old app password logs in and moves', async () => {
    assert.equal((await login(site, firstAppPassword)).exitCode, 0);
    const status = await site.cliJSON(['key', 'status']);
    assert.equal(status.oldKeyRows.appPasswords[firstKeyId], undefined);
    assert.equal((await login(site, firstAppPassword)).exitCode, 0);
    assert.equal(
      (await login(site, 'abcd-efgh-jkmn-pqrs-tvwx-yz01')).exitCode,
      1,
    );
  });

  test('new app password logs in', async () => {
    const added = await site.cliJSON(['app-password', 'add', USER]);
    secondAppPassword = added.password;
    assert.equal((await login(site, secondAppPassword)).exitCode, 0);
  });

  test('old key opens TOTP key and OTPs', async () => {
    const config = loadConfig(site.configPath);
    const database = await Database.open(config.database);
    try {
      const siteKeys = readSiteKeys(config.siteKeyFile);
      const account = await findAccount(database, USER);
      assert.ok(account?.totpKeySealed);
      const context = totpKeyContext(account.id);
      assert.equal(
        openSecret(siteKeys.totp, account.totpKeySealed, context),
        null,
      );
      const old = siteKeys.previous?.[0];
      assert.ok(old);
      const opened = openSecret(old.totp, account.totpKeySealed, context);
      assert.equal(opened?.toString('utf8'), totpSecret);

      const digests = listOneTimePasswordDigests(siteKeys, codes[0] ?? '');
      const spent = [];
      for (const { digest } of digests) {
        spent.push(await consumeOneTimePassword(database, account.id, digest));
      }
      assert.deepEqual(spent, [false, true]);
    } finally {
      await database.close();
    }
  });

  test('rewrap seals TOTP keys anew', async () => {
    const result = await site.cliJSON(['key', 'rotate', '--rewrap']);

    assert.equal(result.keyIds.length, 3);
    assert.deepEqual(result.rewrap, { rewrapped: 1, unreadable: 0 });
    assert.deepEqual(result.oldKeyRows.totpKeys, {});
    const config = loadConfig(site.configPath);
    const database = await Database.open(config.database);
    try {
      const account = await findAccount(database, USER);
      assert.ok(account?.totpKeySealed);
      const opened = openSecret(
        readSiteKeys(config.siteKeyFile).totp,
        account.totpKeySealed,
        totpKeyContext(account.id),
      );
      assert.equal(opened?.toString('utf8'), totpSecret);
    } finally {
      await database.close();
    }
  });

  test('retire keeps keys still needed', async () => {
    const kept = await site.cliJSON(['key', 'retire']);
    assert.deepEqual(kept.retired, []);
    assert.equal(kept.kept.length, 2);
    // This login moves the first app password to the current key.
    assert.equal((await login(site, firstAppPassword)).exitCode, 0);

    const forced = await site.cliJSON(['key', 'retire', '--force']);
    assert.equal(forced.retired.length, 2);
    assert.equal(statSync(site.siteKeyPath).size, 32);
    assert.equal((await login(site, firstAppPassword)).exitCode, 0);
    assert.equal((await login(site, secondAppPassword)).exitCode, 1);
  });
});
