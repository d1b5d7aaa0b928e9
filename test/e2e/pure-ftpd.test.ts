import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chownSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { createMailHomeBase } from '../support/dovecot.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  MAIL_GID,
  MAIL_UID,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import {
  curlFTPLogin,
  startPureFTPd,
  type PureFTPdServer,
} from '../support/pureftpd.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';

// pure-authd runs passgate as this user, which must read the config.
const AUTH_USER = 'nobody';
const PASSWORD = 'ftp-account-Pa55';

describe('pure-ftpd extauth logins', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;
  let ftp: PureFTPdServer | undefined;
  let mailBase: string | undefined;

  before(async () => {
    recordSecret(PASSWORD);
    mariadb = await startMariaDB();
    mailBase = createMailHomeBase(MAIL_UID, MAIL_GID);
    site = await createPassgateSite(mariadb, {
      daemonUser: AUTH_USER,
      mailHomeBase: mailBase,
    });
    for (const user of ['plain@example.org', 'apps@example.org']) {
      await addUser(site, user);
      createHome(mailBase, user);
    }
    ftp = await startPureFTPd({
      configPath: site.configPath,
      authUser: AUTH_USER,
    });
  });

  after(async () => {
    await ftp?.destroy();
    await mariadb?.destroy();
    if (mailBase) rmSync(mailBase, { recursive: true, force: true });
  });

  it('accepts the account password', async () => {
    const result = await curlFTPLogin(port(ftp), 'plain@example.org', PASSWORD);

    assert.equal(result.accepted, true, result.output);
    assert.match(result.output, /^< 230 /m);
  });

  it('rejects a wrong password', async () => {
    const result = await curlFTPLogin(port(ftp), 'plain@example.org', 'wrong!');

    assert.equal(result.accepted, false, result.output);
    assert.equal(result.curlExit, 67);
    assert.match(result.output, /^< 530 /m);
  });

  it('rejects an unknown account', async () => {
    const result = await curlFTPLogin(
      port(ftp),
      'ghost@example.org',
      'x1234567',
    );

    assert.equal(result.curlExit, 67, result.output);
  });

  it('takes app passwords once switched on', async () => {
    const live = started(site);
    const ftpPassword = await live.cliJSON([
      'app-password',
      'add',
      'apps@example.org',
      '--scope',
      'ftp',
    ]);
    await live.cliJSON(['app-password', 'on', 'apps@example.org']);

    const account = await curlFTPLogin(port(ftp), 'apps@example.org', PASSWORD);
    const app = await curlFTPLogin(
      port(ftp),
      'apps@example.org',
      ftpPassword.password.toLowerCase(),
    );

    assert.equal(account.curlExit, 67, account.output);
    assert.equal(app.accepted, true, app.output);
    assertLogged(
      live,
      /door=pure-authd outcome=reject reason=account-password-not-allowed/,
    );
    assertLogged(
      live,
      /door=pure-authd outcome=accept reason=app-password .*class=ftp/,
    );
  });

  it('rejects an IMAP-only app password', async () => {
    const live = started(site);
    const imapPassword = await live.cliJSON([
      'app-password',
      'add',
      'apps@example.org',
      '--scope',
      'imap',
    ]);

    const result = await curlFTPLogin(
      port(ftp),
      'apps@example.org',
      imapPassword.password,
    );

    assert.equal(result.curlExit, 67, result.output);
    assertLogged(live, /reason=app-password-out-of-scope/);
  });
});

describe('pure-authd mode answers', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig:
        '[pure_ftpd]\nunknown_account = "next"\ndeadline_seconds = 1',
    });
    await addUser(site, 'carol@example.org');
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('prints uid, gid, dir and end', async () => {
    const answer = await runPureAuthd(started(site).configPath, {
      AUTHD_ACCOUNT: 'Carol@Example.org',
      AUTHD_PASSWORD: PASSWORD,
    });

    assert.equal(
      answer.stdout,
      'auth_ok:1\nuid:5000\ngid:5000\ndir:/nonexistent/example.org/carol\nend\n',
    );
  });

  it('answers -1 for a wrong password', async () => {
    const answer = await runPureAuthd(started(site).configPath, {
      AUTHD_ACCOUNT: 'carol@example.org',
      AUTHD_PASSWORD: 'not-the-password',
    });

    assert.equal(answer.stdout, 'auth_ok:-1\nend\n');
  });

  it('answers -1 for an empty password', async () => {
    const answer = await runPureAuthd(started(site).configPath, {
      AUTHD_ACCOUNT: 'carol@example.org',
    });

    assert.equal(answer.stdout, 'auth_ok:-1\nend\n');
  });

  it('answers 0 for unknown when next', async () => {
    const answer = await runPureAuthd(started(site).configPath, {
      AUTHD_ACCOUNT: 'nobody-here@example.org',
      AUTHD_PASSWORD: 'whatever-123',
    });

    assert.equal(answer.stdout, 'auth_ok:0\nend\n');
  });

  it('answers -1 without AUTHD_ACCOUNT', async () => {
    const answer = await runPureAuthd(started(site).configPath, {});

    assert.equal(answer.stdout, 'auth_ok:-1\nend\n');
    assert.equal(answer.exitCode, 2);
  });

  it('answers -1 at once, database down', async () => {
    const live = started(site);
    const brokenConfig = `${live.configPath}.down`;
    const text = readFileSync(live.configPath, 'utf8').replace(
      /^socket = .*$/m,
      `socket = "${live.dir}/no-such.sock"`,
    );
    writeFileSync(brokenConfig, text);

    const started_ms = Date.now();
    const answer = await runPureAuthd(brokenConfig, {
      AUTHD_ACCOUNT: 'carol@example.org',
      AUTHD_PASSWORD: PASSWORD,
    });

    assert.equal(answer.stdout, 'auth_ok:-1\nend\n');
    assert.ok(Date.now() - started_ms < 3000, 'answered within 3 s');
    assertLogged(
      live,
      /door=pure-authd outcome=tempfail reason=database-unavailable/,
    );
  });

  it('answers -1 at the deadline, database hung', async () => {
    const live = started(site);
    const server = started(mariadb);
    server.pause();
    try {
      const startedMs = Date.now();
      const answer = await runPureAuthd(live.configPath, {
        AUTHD_ACCOUNT: 'carol@example.org',
        AUTHD_PASSWORD: PASSWORD,
      });

      assert.equal(answer.stdout, 'auth_ok:-1\nend\n');
      assert.ok(
        Date.now() - startedMs < 2500,
        'answered near the 1 s deadline',
      );
    } finally {
      server.resume();
    }
    assertLogged(
      live,
      /door=pure-authd outcome=tempfail reason=deadline-exceeded/,
    );
  });
});

// pure-ftpd ends a login whose home is missing with 421, even with -j
// when the domain directory is missing too.
function createHome(base: string, user: string): void {
  const [localPart = '', domain = ''] = user.split('@');
  for (const dir of [join(base, domain), join(base, domain, localPart)]) {
    mkdirSync(dir, { recursive: true });
    chownSync(dir, MAIL_UID, MAIL_GID);
  }
}

async function addUser(site: PassgateSite, user: string): Promise<void> {
  const result = await site.cli(
    ['user', 'add', user, '--password-stdin'],
    `${PASSWORD}\n`,
  );
  assert.equal(result.exitCode, 0, result.stderr);
}

/** Runs `passgate pure-authd` as pure-authd would, with AUTHD_* set. */
function runPureAuthd(
  configPath: string,
  request: Record<string, string>,
): Promise<{ stdout: string; exitCode: number | null }> {
  if (request.AUTHD_PASSWORD) recordSecret(request.AUTHD_PASSWORD);
  const child = spawn(PASSGATE_BIN, ['pure-authd'], {
    env: {
      PASSGATE_CONFIG: configPath,
      AUTHD_REMOTE_IP: '127.0.0.1',
      AUTHD_LOCAL_IP: '127.0.0.1',
      AUTHD_LOCAL_PORT: '21',
      AUTHD_ENCRYPTED: '0',
      ...request,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      recordOutput('pure-authd stderr', stderr);
      resolve({ stdout, exitCode });
    });
  });
}

function assertLogged(site: PassgateSite, pattern: RegExp): void {
  const log = readFileSync(site.logPath, 'utf8');
  assert.match(log, pattern);
}

function port(server: PureFTPdServer | undefined): number {
  return started(server).port;
}

function started<T>(value: T | undefined): T {
  assert.ok(value, 'setup failed: see the error in before()');
  return value;
}
