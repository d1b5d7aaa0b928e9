import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  MAIL_GID,
  MAIL_UID,
  PASSGATE_BIN,
  runCheckpassword,
  type PassgateSite,
} from '../support/passgate.ts';
import { trackChild } from '../support/process.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';

const USER = 'carol@example.org';
const PASSWORD = 'Carol-Account-Pass';
const DISABLED_USER = 'dave@example.org';
const MAIL_HOME_BASE = '/var/vmail-test';
// deadline_seconds in the config that createPassgateSite writes.
const DEADLINE_SECONDS = 4;
const IMAP = { SERVICE: 'imap', TCPREMOTEIP: '192.0.2.44' };
const LOOKUP = { SERVICE: 'lmtp', AUTHORIZED: '1' };

let mariadb: MariaDBServer | undefined;
let site: PassgateSite | undefined;

before(async () => {
  mariadb = await startMariaDB();
  site = await createPassgateSite(mariadb, { mailHomeBase: MAIL_HOME_BASE });
  for (const user of [USER, DISABLED_USER]) {
    const added = await site.cli(
      ['user', 'add', user, '--password-stdin'],
      `${PASSWORD}\n`,
    );
    assert.equal(added.exitCode, 0, added.stderr);
  }
  await site.cli(['user', 'disable', DISABLED_USER]);
});

after(async () => {
  await mariadb?.destroy();
});

function started(): { mariadb: MariaDBServer; site: PassgateSite } {
  assert.ok(mariadb && site, 'setup failed: see the error in before()');
  return { mariadb, site };
}

function request(user: string, secret: string): Buffer {
  return Buffer.from(`${user}\0${secret}\0\0`);
}

/** Asserts that stderr contains log lines only, never a stack trace. */
function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /\n\s+at /);
  assert.doesNotMatch(stderr, /node:internal|\.ts:\d+|\.cjs:\d+/);
}

describe('checkpassword exit codes', () => {
  type Row = {
    name: string;
    data: () => Buffer;
    env: Record<string, string>;
    exitCode: number;
    reply?: RegExp;
    stderr?: RegExp;
  };
  const rows: Row[] = [
    {
      name: 'accept runs the reply',
      data: () => request(USER, PASSWORD),
      env: IMAP,
      exitCode: 0,
      reply: new RegExp(
        `^user=${USER}\\thome=${MAIL_HOME_BASE}/example.org/carol\\t` +
          `uid=${MAIL_UID}\\tgid=${MAIL_GID}\\t` +
          'extra=userdb_uid userdb_gid\\tauthorized=\\n$',
      ),
    },
    {
      name: 'upper-case username accepted',
      data: () => request('CAROL@Example.org', PASSWORD),
      env: IMAP,
      exitCode: 0,
      reply: new RegExp(`^user=${USER}\\t`),
    },
    {
      name: 'wrong password',
      data: () => request(USER, 'Wrong-Password'),
      env: IMAP,
      exitCode: 1,
    },
    {
      name: 'empty password',
      data: () => request(USER, ''),
      env: IMAP,
      exitCode: 1,
    },
    {
      name: 'unknown user',
      data: () => request('nobody@example.org', PASSWORD),
      env: IMAP,
      exitCode: 1,
    },
    {
      name: 'disabled account',
      data: () => request(DISABLED_USER, PASSWORD),
      env: IMAP,
      exitCode: 1,
    },
    {
      name: 'trailing space username',
      data: () => request(`${USER} `, PASSWORD),
      env: IMAP,
      exitCode: 1,
    },
    {
      name: 'unknown service',
      data: () => request(USER, PASSWORD),
      env: { SERVICE: 'gopher' },
      exitCode: 1,
    },
    {
      name: 'no NUL separators',
      data: () => Buffer.from(`${USER} ${PASSWORD}`),
      env: IMAP,
      exitCode: 2,
      stderr: /reason=malformed-request .*lacks the NUL/,
    },
    {
      name: 'empty username',
      data: () => request('', PASSWORD),
      env: IMAP,
      exitCode: 2,
      stderr: /empty username/,
    },
    {
      name: '600 bytes on fd 3',
      data: () => request(USER, 'x'.repeat(600 - USER.length - 3)),
      env: IMAP,
      exitCode: 2,
      stderr: /513 bytes or more; the limit is 512/,
    },
    {
      name: 'exactly 512 bytes',
      data: () => request(USER, 'x'.repeat(512 - USER.length - 3)),
      env: IMAP,
      exitCode: 1,
    },
    {
      name: 'lookup existing',
      data: () => request(USER, ''),
      env: LOOKUP,
      exitCode: 2,
      reply: new RegExp(`^user=${USER}\\t.*\\tauthorized=2\\n$`),
    },
    {
      name: 'lookup disabled account for IMAP',
      data: () => request(DISABLED_USER, ''),
      env: { ...LOOKUP, SERVICE: 'imap' },
      exitCode: 3,
    },
    {
      name: 'lookup disabled account for LMTP',
      data: () => request(DISABLED_USER, ''),
      env: LOOKUP,
      exitCode: 2,
      reply: /authorized=2/,
    },
    {
      name: 'lookup unknown',
      data: () => request('nobody@example.org', ''),
      env: LOOKUP,
      exitCode: 3,
    },
    {
      name: 'lookup trailing space',
      data: () => request(`${USER} `, ''),
      env: LOOKUP,
      exitCode: 3,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const result = await runCheckpassword(
        started().site.configPath,
        row.data(),
        row.env,
      );

      assert.equal(result.exitCode, row.exitCode, result.stderr);
      if (row.reply) assert.match(result.reply, row.reply);
      else assert.equal(result.reply, '');
      if (row.stderr) assert.match(result.stderr, row.stderr);
      else assert.equal(result.stderr, '');
      assertNoStackTrace(result.stderr);
    });
  }

  it('logs each decision without the secret', async () => {
    await runCheckpassword(
      started().site.configPath,
      request(USER, 'Wrong-Password'),
      IMAP,
    );
    const log = readFileSync(started().site.logPath, 'utf8');

    assert.match(
      log,
      /info event=login door=checkpassword outcome=reject reason=wrong-password user=carol@example\.org service=imap class=imap rip=192\.0\.2\.44/,
    );
    assert.match(log, /outcome=accept reason=account-password/);
    assert.match(log, /event=lookup .*outcome=reject reason=unknown-account/);
    assert.equal(log.includes(PASSWORD), false);
    assert.equal(log.includes('Wrong-Password'), false);
  });
});

describe('checkpassword misuse', () => {
  it('missing fd 3 exits 2', async () => {
    const result = await runWithoutRequest([
      'checkpassword',
      '--config',
      started().site.configPath,
      '/bin/true',
    ]);

    assert.equal(result.exitCode, 2, result.stderr);
    // Node's own descriptors (epoll, eventfd) may take the number 3 in
    // the child, so the read fails with EBADF or EINVAL.
    assert.match(result.stderr, /cannot read the request from fd 3: E[A-Z]+/);
    assertNoStackTrace(result.stderr);
  });

  it('missing reply program exits 2', async () => {
    const result = await runCheckpassword(
      started().site.configPath,
      request(USER, PASSWORD),
      IMAP,
      [],
    );

    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /no reply program was given/);
  });

  it('unknown option exits 2', async () => {
    const result = await runCheckpassword(
      started().site.configPath,
      request(USER, PASSWORD),
      IMAP,
      ['--verbose', '/bin/true'],
    );

    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown option --verbose/);
    assertNoStackTrace(result.stderr);
  });

  it('over 512 bytes in two writes', async () => {
    const result = await runWithSplitRequest(
      started().site.configPath,
      request(USER, PASSWORD),
      Buffer.alloc(600, 'x'),
    );

    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(result.stderr, /513 bytes or more/);
  });

  it('missing reply program file', async () => {
    const result = await runCheckpassword(
      started().site.configPath,
      request(USER, PASSWORD),
      IMAP,
      ['/nonexistent/reply'],
    );

    assert.equal(result.exitCode, 111);
    assert.match(result.stderr, /cannot run \/nonexistent\/reply: ENOENT/);
    assertNoStackTrace(result.stderr);
  });
});

describe('checkpassword temporary failures', () => {
  it('broken config exits 111', async () => {
    const config = join(started().site.dir, 'broken.toml');
    writeFileSync(config, '[database\nuser = "x"\n');
    const result = await runCheckpassword(
      config,
      request(USER, PASSWORD),
      IMAP,
    );

    assert.equal(result.exitCode, 111);
    assert.match(
      result.stderr,
      /reason=config-error .*broken\.toml:1: invalid TOML/,
    );
    assertNoStackTrace(result.stderr);
  });

  it('missing config exits 111', async () => {
    const config = join(started().site.dir, 'missing.toml');
    const result = await runCheckpassword(
      config,
      request(USER, PASSWORD),
      IMAP,
    );

    assert.equal(result.exitCode, 111);
    assert.match(
      result.stderr,
      /cannot read config file .*missing\.toml: ENOENT/,
    );
  });

  it('missing site key exits 111', async () => {
    const config = copyConfig('no-key.toml', (text) =>
      text.replace(
        /^site_key_file = .*$/m,
        'site_key_file = "/nonexistent/site.key"',
      ),
    );
    const result = await runCheckpassword(
      config,
      request(USER, PASSWORD),
      IMAP,
    );

    assert.equal(result.exitCode, 111);
    assert.match(
      result.stderr,
      /reason=config-error .*cannot read site key \/nonexistent\/site\.key: ENOENT/,
    );
    assertNoStackTrace(result.stderr);
  });

  it('readable site key exits 111', async () => {
    const key = join(started().site.dir, 'open.key');
    writeFileSync(key, readFileSync(started().site.siteKeyPath), {
      mode: 0o644,
    });
    chmodSync(key, 0o644);
    const config = copyConfig('open-key.toml', (text) =>
      text.replace(
        /^site_key_file = .*$/m,
        `site_key_file = ${JSON.stringify(key)}`,
      ),
    );
    const result = await runCheckpassword(
      config,
      request(USER, PASSWORD),
      IMAP,
    );

    assert.equal(result.exitCode, 111);
    assert.match(result.stderr, /has mode 0644/);
  });

  it('wrong database password exits 111', async () => {
    const config = copyConfig('bad-db-password.toml', (text) =>
      text.replace(/^password_file = .*$/m, 'password = "not-the-password"'),
    );
    const result = await runCheckpassword(
      config,
      request(USER, PASSWORD),
      IMAP,
    );

    assert.equal(result.exitCode, 111);
    assert.match(
      result.stderr,
      /reason=database-unavailable .*ER_ACCESS_DENIED_ERROR/,
    );
  });

  it('database paused exits 111 in time', async () => {
    const { mariadb, site } = started();
    mariadb.pause();
    let result;
    let elapsedSeconds;
    try {
      const start = Date.now();
      result = await runCheckpassword(
        site.configPath,
        request(USER, PASSWORD),
        IMAP,
      );
      elapsedSeconds = (Date.now() - start) / 1000;
    } finally {
      mariadb.resume();
    }

    assert.equal(result.exitCode, 111, result.stderr);
    assert.ok(
      elapsedSeconds <= DEADLINE_SECONDS + 2,
      `took ${elapsedSeconds} s with a deadline of ${DEADLINE_SECONDS} s`,
    );
    assert.match(
      result.stderr,
      /outcome=tempfail reason=(database-unavailable|deadline-exceeded)/,
    );
    if (result.stderr.includes('reason=deadline-exceeded')) {
      assert.match(
        result.stderr,
        /no decision within 4 s \(deadline_seconds\)/,
      );
    }
    assertNoStackTrace(result.stderr);
  });

  it('database stopped exits 111', async () => {
    const { mariadb, site } = started();
    await mariadb.stop();
    try {
      const login = await runCheckpassword(
        site.configPath,
        request(USER, PASSWORD),
        IMAP,
      );
      const lookup = await runCheckpassword(
        site.configPath,
        request(USER, ''),
        LOOKUP,
      );

      assert.equal(login.exitCode, 111, login.stderr);
      assert.equal(lookup.exitCode, 111, lookup.stderr);
      assert.match(
        login.stderr,
        /event=login .*outcome=tempfail reason=database-unavailable .*error="database unavailable: connect to \/\S+\.sock failed with ENOENT"/,
      );
      assert.match(
        lookup.stderr,
        /event=lookup .*outcome=tempfail reason=database-unavailable/,
      );
      assert.equal(login.reply, '');
      assertNoStackTrace(login.stderr);
      assertNoStackTrace(lookup.stderr);
    } finally {
      await mariadb.start();
    }
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(log, /reason=database-unavailable/);
    assert.doesNotMatch(log, /outcome=reject reason=database/);
  });

  it('logins work after a restart', async () => {
    const result = await runCheckpassword(
      started().site.configPath,
      request(USER, PASSWORD),
      IMAP,
    );

    assert.equal(result.exitCode, 0, result.stderr);
  });
});

function copyConfig(name: string, edit: (text: string) => string): string {
  const site = started().site;
  const path = join(site.dir, name);
  writeFileSync(path, edit(readFileSync(site.configPath, 'utf8')));
  return path;
}

type RunResult = { exitCode: number | null; stderr: string };

/** Runs passgate with no descriptor 3 at all. */
function runWithoutRequest(args: string[]): Promise<RunResult> {
  const child = spawn(PASSGATE_BIN, args, {
    env: IMAP,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return collect(child);
}

/** Writes `first`, waits, then writes `second` to fd 3 and closes it. */
async function runWithSplitRequest(
  configPath: string,
  first: Buffer,
  second: Buffer,
): Promise<RunResult> {
  recordSecret(PASSWORD);
  const child = spawn(
    PASSGATE_BIN,
    ['checkpassword', '--config', configPath, '/bin/true'],
    { env: IMAP, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const fd3 = child.stdio[3] as NodeJS.WritableStream;
  fd3.on('error', () => undefined);
  fd3.write(first);
  await sleep(200);
  fd3.end(second);
  return collect(child);
}

function collect(child: ReturnType<typeof spawn>): Promise<RunResult> {
  trackChild(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      recordOutput('checkpassword stderr', stderr);
      resolve({ exitCode, stderr });
    });
  });
}
