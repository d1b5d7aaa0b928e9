import assert from 'node:assert/strict';
import {
  appendFileSync,
  copyFileSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { curlIMAPLogin, lmtpDeliver } from '../support/clients.ts';
import {
  createMailHomeBase,
  startDovecot,
  type DovecotServer,
} from '../support/dovecot.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  MAIL_GID,
  MAIL_UID,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { makePublicTempDir, runCommand } from '../support/process.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';

const PASSWORD = 'lua-account-Pa55';
const CONF_DIR = join(import.meta.dirname, '../../dovecot-conf');
const SHIPPED_SCRIPT = '/etc/dovecot/passgate-auth.lua';

describe('Dovecot Lua passdb and userdb', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;
  let dovecot: DovecotServer | undefined;
  let scriptDir: string | undefined;
  let mailBase: string | undefined;
  // Same database, but without [dovecot] cache_flush.
  let noFlushConfig = '';

  before(async () => {
    recordSecret(PASSWORD);
    mariadb = await startMariaDB();
    mailBase = createMailHomeBase(MAIL_UID, MAIL_GID);
    site = await createPassgateSite(mariadb, {
      daemonUser: 'dovecot',
      mailHomeBase: mailBase,
    });
    for (const user of [
      'jack@example.org',
      'kate@example.org',
      'liam@example.org',
    ]) {
      await addUser(site, user);
    }
    scriptDir = makePublicTempDir('passgate-lua-');
    const script = installScript(scriptDir, site.configPath);
    dovecot = await startDovecot({
      passdbArgs: PASSGATE_BIN,
      userdbArgs: PASSGATE_BIN,
      authDatabases: renderShippedConfig(script),
      extraConfig: 'service auth {\n  vsz_limit = 4G\n}\n',
    });
    noFlushConfig = `${site.configPath}.no-flush`;
    copyFileSync(site.configPath, noFlushConfig);
    appendFileSync(
      site.configPath,
      `\n[dovecot]\ncache_flush = true\n` +
        `config_file = ${JSON.stringify(dovecot.configPath)}\n`,
    );
  });

  after(async () => {
    if (dovecot) recordOutput('dovecot log', dovecot.readLog());
    await dovecot?.destroy();
    await mariadb?.destroy();
    for (const dir of [scriptDir, mailBase]) {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the account password', async () => {
    const result = await imapLogin('jack@example.org', PASSWORD);

    assert.equal(result.outcome, 'accepted', result.output);
    assertLogged(/door=dovecot-lua outcome=accept reason=account-password/);
    assertLogged(/event=lookup door=dovecot-lua outcome=accept reason=lookup/);
  });

  it('rejects a wrong password', async () => {
    const result = await imapLogin('jack@example.org', 'Not-the-Pa55word');

    assert.equal(result.outcome, 'rejected', result.output);
    assertLogged(/door=dovecot-lua outcome=reject reason=wrong-password/);
  });

  it('rejects an unknown account', async () => {
    const result = await imapLogin('nobody@example.org', PASSWORD);

    assert.equal(result.outcome, 'rejected', result.output);
    assertLogged(/door=dovecot-lua outcome=reject reason=unknown-account/);
  });

  it('finds no unknown LMTP recipient', async () => {
    const result = await lmtpDeliver(
      started(dovecot).lmtpPort,
      'ghost@example.org',
    );

    assert.equal(result.accepted, false);
    assert.match(result.rcptReply, /^550 5\.1\.1 /);
  });

  it('refuses a revoked cached app password', async () => {
    const live = started(site);
    const app = await live.cliJSON([
      'app-password',
      'add',
      'kate@example.org',
      '--scope',
      'imap',
    ]);
    await live.cliJSON(['app-password', 'on', 'kate@example.org']);
    assert.equal((await imapLogin('kate@example.org', app.password)).ok, true);

    await disableWithoutFlush('kate@example.org', app.id);
    const cached = await imapLogin('kate@example.org', app.password);
    await live.cliJSON([
      'app-password',
      'disable',
      'kate@example.org',
      String(app.id),
    ]);
    const flushed = await imapLogin('kate@example.org', app.password);

    assert.equal(cached.outcome, 'accepted', 'the cache answered the login');
    assert.equal(flushed.outcome, 'rejected', flushed.output);
    assertLogged(/outcome=reject reason=app-password-disabled user=kate/);
  });

  it('fails temporarily, database hung', async () => {
    const server = started(mariadb);
    server.pause();
    let result;
    try {
      result = await imapLogin('liam@example.org', PASSWORD);
    } finally {
      server.resume();
    }

    assert.equal(result.outcome, 'tempfail', result.output);
    assertLogged(
      /door=dovecot-lua outcome=tempfail reason=database-unavailable user=liam/,
    );
  });

  async function disableWithoutFlush(user: string, id: number) {
    const result = await runCommand(PASSGATE_BIN, [
      '--config',
      noFlushConfig,
      'app-password',
      'disable',
      user,
      String(id),
    ]);
    recordOutput('passgate disable stderr', result.stderr);
    assert.equal(result.exitCode, 0, result.stderr);
  }

  function imapLogin(user: string, password: string) {
    recordSecret(password);
    return curlIMAPLogin(started(dovecot).imapPort, user, password);
  }

  function assertLogged(pattern: RegExp): void {
    assert.match(readFileSync(started(site).logPath, 'utf8'), pattern);
  }
});

// Copies the shipped script with its two paths pointed at this test.
function installScript(dir: string, configPath: string): string {
  const text = readFileSync(join(CONF_DIR, 'passgate-auth.lua'), 'utf8')
    .replace(/^local PASSGATE = .*$/m, `local PASSGATE = "${PASSGATE_BIN}"`)
    .replace(/^local CONFIG = .*$/m, `local CONFIG = "${configPath}"`);
  const path = join(dir, 'passgate-auth.lua');
  writeFileSync(path, text, { mode: 0o644 });
  return path;
}

// The shipped 2.3 config with the script path of this test and the
// optional auth cache switched on.
function renderShippedConfig(scriptPath: string): string {
  return readFileSync(join(CONF_DIR, 'passgate-lua-2.3.conf'), 'utf8')
    .replaceAll(SHIPPED_SCRIPT, scriptPath)
    .replace('# auth_cache_size = 10M', 'auth_cache_size = 1M')
    .replace('# auth_cache_ttl = 1 hour', 'auth_cache_ttl = 1 hour');
}

async function addUser(site: PassgateSite, user: string): Promise<void> {
  const result = await site.cli(
    ['user', 'add', user, '--password-stdin'],
    `${PASSWORD}\n`,
  );
  assert.equal(result.exitCode, 0, result.stderr);
}

function started<T>(value: T | undefined): T {
  assert.ok(value, 'setup failed: see the error in before()');
  return value;
}
