import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  createMailHomeBase,
  startDovecot,
  type DovecotServer,
} from '../support/dovecot.ts';
import { IMAPSession } from '../support/imap-session.ts';
import { POP3Session } from '../support/pop3-session.ts';
import {
  addAccount,
  addAppPassword,
  FAST_ARGON2_CONFIG,
} from '../support/login-attempts.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  MAIL_GID,
  MAIL_UID,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { makePublicTempDir } from '../support/process.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';

const USER = 'alice@example.org';
const CLOSE_TIMEOUT_MS = 10_000;
// The checkpassword program inherits the auth process's address-space limit
// (default_vsz_limit, 256M), and V8 in the Node 24 executable needs more
// at start, so under the default every login is a temporary failure.
const AUTH_ADDRESS_SPACE = 'service auth {\n  vsz_limit = 4G\n}\n';

describe('doveadm kick on revocation', () => {
  let mariadb: MariaDBServer | undefined;
  let dovecot: DovecotServer | undefined;
  let site: PassgateSite;
  let binDir: string | undefined;
  let mailBase: string | undefined;

  before(async () => {
    mariadb = await startMariaDB();
    mailBase = createMailHomeBase(MAIL_UID, MAIL_GID);
    site = await createPassgateSite(mariadb, {
      daemonUser: 'dovecot',
      mailHomeBase: mailBase,
      extraConfig: FAST_ARGON2_CONFIG,
    });
    binDir = makePublicTempDir('passgate-bin-');
    const program = join(binDir, 'passgate');
    copyFileSync(PASSGATE_BIN, program);
    const args = `${program} checkpassword --config ${site.configPath}`;
    dovecot = await startDovecot({
      passdbArgs: args,
      userdbArgs: args,
      extraConfig: AUTH_ADDRESS_SPACE,
    });
    appendFileSync(
      site.configPath,
      `[dovecot]\nkick = true\nconfig_file = ${JSON.stringify(dovecot.configPath)}\n`,
    );
    await addAccount(site, USER, 'kick test password');
  });

  after(async () => {
    if (dovecot !== undefined) {
      recordOutput('dovecot log', dovecot.readLog());
      await dovecot.destroy();
    }
    await mariadb?.destroy();
    for (const dir of [binDir, mailBase]) {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends IMAP session of disabled password', async () => {
    const server = dovecot as DovecotServer;
    const appPassword = await addAppPassword(site, USER);
    const session = await IMAPSession.open(server.imapPort);
    try {
      await session.login(USER, appPassword.password);
      await session.idle();

      const result = await site.cli([
        'app-password',
        'disable',
        USER,
        `${appPassword.id}`,
      ]);

      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stderr, '');
      const ended = await Promise.race([
        session.closed.then(() => 'closed'),
        sleep(CLOSE_TIMEOUT_MS, 'still open'),
      ]);
      assert.equal(ended, 'closed', session.transcript.join('\n'));
      assert.match(session.transcript.join('\n'), /^S: \* BYE/m);
    } finally {
      session.close();
    }
  });

  it('ends POP3 session on password change', async () => {
    const server = dovecot as DovecotServer;
    const user = 'carol@example.org';
    await addAccount(site, user, 'carol old password');
    const session = await POP3Session.login(
      server.pop3Port,
      user,
      'carol old password',
    );
    try {
      const newPassword = 'carol new password';
      recordSecret(newPassword);

      const result = await site.cli(
        ['user', 'passwd', user, '--password-stdin'],
        newPassword,
      );

      assert.equal(result.exitCode, 0, result.stderr);
      const ended = await Promise.race([
        session.closed.then(() => 'closed'),
        sleep(CLOSE_TIMEOUT_MS, 'still open'),
      ]);
      assert.equal(ended, 'closed', session.transcript.join('\n'));
    } finally {
      session.close();
    }
  });

  it('keeps sessions on app password enable', async () => {
    const server = dovecot as DovecotServer;
    const appPassword = await addAppPassword(site, USER);
    const session = await IMAPSession.open(server.imapPort);
    try {
      await session.login(USER, appPassword.password);

      const result = await site.cli(['app-password', 'enable', USER, '1']);

      assert.equal(result.exitCode, 0, result.stderr);
      const reply = await session.command('NOOP');
      assert.match(reply, /^\S+ OK/);
    } finally {
      session.close();
    }
  });

  it('stays quiet without open sessions', async () => {
    await addAccount(site, 'bob@example.org', 'second kick password');

    const disabled = await site.cli(['user', 'disable', 'bob@example.org']);

    assert.equal(disabled.exitCode, 0, disabled.stderr);
    assert.equal(disabled.stderr, '');
  });
});
