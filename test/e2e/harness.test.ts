import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import mysql from 'mysql2/promise';

import {
  curlIMAPLogin,
  curlPOP3Login,
  lmtpDeliver,
} from '../support/clients.ts';
import {
  createMailHomeBase,
  startDovecot,
  type DovecotServer,
} from '../support/dovecot.ts';
import {
  createDatabase,
  startMariaDB,
  type MariaDBServer,
} from '../support/mariadb.ts';
import { makePublicTempDir, runCommand } from '../support/process.ts';
import { requireTools } from '../support/tools.ts';

// Above Dovecot's first_valid_uid (500) and unused on Debian by default.
const MAIL_UID = 5000;
const MAIL_GID = 5000;

describe('MariaDB harness', () => {
  let db: MariaDBServer | undefined;

  before(async () => {
    db = await startMariaDB();
  });

  after(async () => {
    await db?.destroy();
  });

  it('answers SELECT 1 as root', async () => {
    assert.equal(await started(db).rootQuery('SELECT 1'), '1');
  });

  it('lets user dovecot reach the socket', async () => {
    requireTools([{ path: '/usr/sbin/runuser', debianPackage: 'util-linux' }]);
    const result = await runCommand('/usr/sbin/runuser', [
      '-u',
      'dovecot',
      '--',
      '/usr/bin/mariadb',
      '--no-defaults',
      `--socket=${started(db).socket}`,
      '--user=no_such_user',
      '--execute=SELECT 1',
    ]);

    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /ERROR 1045 .*Access denied/);
  });

  it('creates a database and its user', async () => {
    const server = started(db);
    await createDatabase(server, 'harness', 'harness_user', "pa'ss\\word");

    const connection = await mysql.createConnection({
      socketPath: server.socket,
      user: 'harness_user',
      password: "pa'ss\\word",
      database: 'harness',
    });
    try {
      const [rows] = await connection.query('SELECT CURRENT_USER() AS who');
      assert.deepEqual(rows, [{ who: 'harness_user@localhost' }]);
    } finally {
      await connection.end();
    }
  });

  it('hangs while paused and recovers', async () => {
    const server = started(db);
    server.pause();
    const query = server.rootQuery('SELECT 2');
    try {
      const first = await Promise.race([query, sleep(1_000, 'hung')]);
      assert.equal(first, 'hung');
    } finally {
      server.resume();
    }

    assert.equal(await query, '2');
  });

  it('keeps data across stop and start', async () => {
    const server = started(db);
    await server.rootQuery('CREATE DATABASE harness_restart');

    await server.stop();
    await assert.rejects(server.rootQuery('SELECT 1'), /ERROR 2002/);

    await server.start();
    const databases = await server.rootQuery('SHOW DATABASES');
    assert.match(databases, /^harness_restart$/m);
  });
});

describe('Dovecot harness', () => {
  let fixtureDir: string | undefined;
  let mailBase: string | undefined;
  let dovecot: DovecotServer | undefined;

  before(async () => {
    fixtureDir = makePublicTempDir('passgate-fixture-');
    mailBase = createMailHomeBase(MAIL_UID, MAIL_GID);
    const program = writeCheckpasswordScript(fixtureDir, mailBase);
    dovecot = await startDovecot({ passdbArgs: program, userdbArgs: program });
  });

  after(async () => {
    await dovecot?.destroy();
    for (const dir of [fixtureDir, mailBase]) {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts IMAP login with password', async () => {
    const port = started(dovecot).imapPort;
    const result = await curlIMAPLogin(port, 'alice@example.org', 'secret');

    assert.equal(result.outcome, 'accepted', result.output);
    assert.equal(result.curlExit, 0);
    assert.equal(result.ok, true);
  });

  it('rejects IMAP login with wrong password', async () => {
    const port = started(dovecot).imapPort;
    const result = await curlIMAPLogin(port, 'alice@example.org', 'wrong');

    assert.equal(result.outcome, 'rejected', result.output);
    assert.equal(result.curlExit, 67);
    assert.match(result.output, /NO \[AUTHENTICATIONFAILED\]/);
    await started(dovecot).waitForLog(/Login failed \(status=1\)/);
  });

  it('hides credentials in curl output', async () => {
    const port = started(dovecot).imapPort;
    const result = await curlIMAPLogin(port, 'alice@example.org', 'wrong');
    const response = Buffer.from('\0alice@example.org\0wrong');

    assert.match(result.output, /AUTHENTICATE PLAIN <hidden>/);
    assert.doesNotMatch(result.output, /wrong/);
    assert.ok(!result.output.includes(response.toString('base64')));
  });

  it('reports IMAP tempfail on exit 111', async () => {
    const port = started(dovecot).imapPort;
    const result = await curlIMAPLogin(port, 'tempfail@example.org', 'x');

    assert.equal(result.outcome, 'tempfail', result.output);
    assert.equal(result.curlExit, 67);
  });

  it('accepts POP3 login with password', async () => {
    const port = started(dovecot).pop3Port;
    const result = await curlPOP3Login(port, 'alice@example.org', 'secret');

    assert.equal(result.outcome, 'accepted', result.output);
    assert.equal(result.curlExit, 0);
  });

  it('reports POP3 tempfail on exit 111', async () => {
    const port = started(dovecot).pop3Port;
    const result = await curlPOP3Login(port, 'tempfail@example.org', 'x');

    assert.equal(result.outcome, 'tempfail', result.output);
    assert.equal(result.curlExit, 67);
    assert.match(result.output, /-ERR \[SYS\/TEMP\]/);
  });

  it('delivers over LMTP to alice', async () => {
    const port = started(dovecot).lmtpPort;
    const result = await lmtpDeliver(port, 'alice@example.org');
    const transcript = result.transcript.join('\n');

    assert.equal(result.accepted, true, transcript);
    assert.match(result.rcptReply, /^250 /);
    assert.match(result.dataReply ?? '', /^250 .*Saved/);
    const inbox = join(mailBase ?? '', 'alice', 'Maildir', 'new');
    assert.equal(readdirSync(inbox).length, 1);
  });

  it('rejects LMTP to unknown user', async () => {
    const port = started(dovecot).lmtpPort;
    const result = await lmtpDeliver(port, 'nobody@example.org');

    assert.equal(result.accepted, false);
    assert.match(result.rcptReply, /^550 5\.1\.1 /);
    assert.equal(result.dataReply, null);
  });
});

/** Return the server that before() set, or fail the test if it did not. */
function started<T>(server: T | undefined): T {
  assert.ok(server, 'server did not start: see the error in before()');
  return server;
}

/**
 * Write a checkpassword program that accepts alice@example.org with
 * password "secret", answers user lookups (AUTHORIZED=1) for her, and
 * exits 111 (temporary failure) for tempfail@example.org.
 */
function writeCheckpasswordScript(dir: string, mailBase: string): string {
  const path = join(dir, 'checkpassword.sh');
  const script = `#!/bin/bash
# fd 3 carries "user NUL password NUL timestamp NUL", read to EOF.
IFS= read -r -d '' user <&3
IFS= read -r -d '' password <&3
IFS= read -r -d '' timestamp <&3
case "$user" in
  tempfail@example.org) exit 111 ;;
  alice@example.org) ;;
  *) [ "$AUTHORIZED" = 1 ] && exit 3; exit 1 ;;
esac
if [ "$AUTHORIZED" = 1 ]; then
  export AUTHORIZED=2
elif [ "$password" != secret ]; then
  exit 1
fi
export USER="$user" HOME=${mailBase}/alice
export EXTRA="userdb_uid userdb_gid"
export userdb_uid=${MAIL_UID} userdb_gid=${MAIL_GID}
exec "$@"
`;
  writeFileSync(path, script, { mode: 0o755 });
  return path;
}
