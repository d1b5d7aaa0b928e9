import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { runCommand } from '../support/process.ts';
import { recordOutput } from '../support/secrets.ts';
import { addAccount } from '../support/login-attempts.ts';

const TIMEOUT_EXIT = 111;
const QUERY_TIMEOUT_SECONDS = 2;
// The lock is held far longer than the query timeout, so a CLI that waits
// for the lock still runs when it is released by KILL below.
const LOCK_HOLD_SECONDS = 25;
const USER = 'locked@example.org';

// A statement that waits for a table lock held by another session ends
// after [database] query_timeout_seconds, with a one-line message and the
// temporary-failure status, instead of waiting for the lock.
describe('database query timeout', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    const config = readFileSync(site.configPath, 'utf8').replace(
      'connect_timeout_seconds = 2\n',
      'connect_timeout_seconds = 2\n' +
        `query_timeout_seconds = ${QUERY_TIMEOUT_SECONDS}\n`,
    );
    writeFileSync(site.configPath, config);
    await addAccount(site, USER, 'locked-table-Password-1');
  });

  after(async () => {
    await mariadb?.destroy();
  });

  function readDatabaseName(): string {
    const config = readFileSync(site.configPath, 'utf8');
    const name = /^name = "(.*)"$/m.exec(config)?.[1];
    assert.ok(name, 'database name in the config');
    return name;
  }

  async function waitForLockHolder(server: MariaDBServer): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const id = await server.rootQuery(
        'SELECT ID FROM information_schema.PROCESSLIST ' +
          "WHERE INFO LIKE 'SELECT SLEEP(%' LIMIT 1",
      );
      if (id !== '') return id;
      await sleep(100);
    }
    throw new Error('the session holding the table lock never started');
  }

  it('ends a CLI query on a locked table', async () => {
    assert.ok(mariadb);
    const database = readDatabaseName();
    let lockReleased = false;
    const lockHolder = mariadb
      .rootQuery(
        `LOCK TABLES ${database}.accounts WRITE;\n` +
          `SELECT SLEEP(${LOCK_HOLD_SECONDS});\nUNLOCK TABLES;\n`,
      )
      .catch(() => undefined)
      .finally(() => {
        lockReleased = true;
      });
    const holderId = await waitForLockHolder(mariadb);

    const result = await site.cli(['app-password', 'list', USER]);
    const releasedBeforeExit = lockReleased;
    await mariadb.rootQuery(`KILL ${holderId}`);
    await lockHolder;

    assert.equal(releasedBeforeExit, false, 'the CLI waited for the lock');
    assert.equal(result.exitCode, TIMEOUT_EXIT, result.stderr);
    assert.equal(
      result.stderr,
      `passgate: database query timed out after ${QUERY_TIMEOUT_SECONDS} s ` +
        '(database.query_timeout_seconds); look for a long transaction or ' +
        'a table lock in SHOW PROCESSLIST\n',
    );
    assert.equal(result.stdout, '');
  });

  it('works again once the lock is gone', async () => {
    const result = await site.cliJSON(['app-password', 'list', USER]);

    assert.ok(Array.isArray(result.appPasswords));
  });

  it('names the socket of a failed connect', async () => {
    const socket = join(site.dir, 'missing', 'mysqld.sock');
    const config = readFileSync(site.configPath, 'utf8').replace(
      /^socket = .*$/m,
      `socket = ${JSON.stringify(socket)}`,
    );
    const configPath = join(site.dir, 'missing-socket.toml');
    writeFileSync(configPath, config);

    const result = await runCommand(PASSGATE_BIN, [
      '--config',
      configPath,
      'app-password',
      'list',
      USER,
    ]);
    recordOutput('passgate app-password list stderr', result.stderr);

    assert.equal(result.exitCode, TIMEOUT_EXIT);
    assert.equal(
      result.stderr,
      `passgate: database unavailable: connect to ${socket} failed with ` +
        'ENOENT\n',
    );
  });
});
