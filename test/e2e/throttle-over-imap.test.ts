import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { curlIMAPLogin, curlPOP3Login } from '../support/clients.ts';
import {
  createMailHomeBase,
  startDovecot,
  type DovecotServer,
} from '../support/dovecot.ts';
import { addAccount, FAST_ARGON2_CONFIG } from '../support/login-attempts.ts';
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
const PASSWORD = 'imap throttle password';
const ADDRESS_LIMIT = 3;
// The checkpassword program inherits the auth process's address-space limit
// (default_vsz_limit, 256M), and V8 in the Node 24 executable needs more
// at start, so under the default every login is a temporary failure.
const AUTH_ADDRESS_SPACE = 'service auth {\n  vsz_limit = 4G\n}\n';

describe('throttle over Dovecot IMAP', () => {
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
      extraConfig:
        FAST_ARGON2_CONFIG +
        `[throttle]\naddress_failures = ${ADDRESS_LIMIT}\n` +
        'account_failures = 100\n',
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
    await addAccount(site, USER, PASSWORD);
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

  it('refuses client address past limit', async () => {
    const server = dovecot as DovecotServer;
    for (let attempt = 1; attempt <= ADDRESS_LIMIT; attempt++) {
      const guess = `wrong guess ${attempt}`;
      recordSecret(guess);
      const result = await curlIMAPLogin(server.imapPort, USER, guess);
      assert.equal(result.outcome, 'rejected', result.output);
    }

    const imap = await curlIMAPLogin(server.imapPort, USER, PASSWORD);
    const pop3 = await curlPOP3Login(server.pop3Port, USER, PASSWORD);

    assert.equal(imap.outcome, 'rejected', imap.output);
    assert.equal(pop3.outcome, 'rejected', pop3.output);
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(
      log,
      /reason=throttled user=alice@example.org service=imap class=imap rip=127\.0\.0\.1 throttled_by=address/,
    );
  });

  it('accepts again after unthrottle', async () => {
    const server = dovecot as DovecotServer;
    await site.cliJSON(['unthrottle', '--address', '127.0.0.1']);

    const result = await curlIMAPLogin(server.imapPort, USER, PASSWORD);

    assert.equal(result.outcome, 'accepted', result.output);
  });
});
