import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  curlIMAPLogin,
  curlPOP3Login,
  lmtpDeliver,
  type LoginOptions,
  type LoginOutcome,
  type LoginResult,
} from '../support/clients.ts';
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
  runCheckpassword,
  type PassgateSite,
} from '../support/passgate.ts';
import { recordOutput } from '../support/secrets.ts';

// Logins from this address are class webmail. Linux routes all of
// 127.0.0.0/8 to loopback, so curl can connect from it to 127.0.0.1.
const WEBMAIL_ADDRESS = '127.0.0.2';
const PASSWORD = 'Account-Pass-e2e';

type Setup = {
  mariadb: MariaDBServer;
  site: PassgateSite;
  dovecot: DovecotServer;
  databaseName: string;
};

let setup: Partial<Setup> = {};
let mailHomeBase: string | undefined;

before(async () => {
  mailHomeBase = createMailHomeBase(MAIL_UID, MAIL_GID);
  setup.mariadb = await startMariaDB();
  setup.site = await createPassgateSite(setup.mariadb, {
    daemonUser: 'dovecot',
    mailHomeBase,
    webmailNetworks: [`${WEBMAIL_ADDRESS}/32`],
  });
  const args = `${PASSGATE_BIN} checkpassword --config ${setup.site.configPath}`;
  setup.dovecot = await startDovecot({ passdbArgs: args, userdbArgs: args });
  setup.databaseName = readDatabaseName(setup.site.configPath);
});

after(async () => {
  if (setup.dovecot) {
    recordOutput('dovecot log', setup.dovecot.readLog());
    await setup.dovecot.destroy();
  }
  await setup.mariadb?.destroy();
  if (mailHomeBase) rmSync(mailHomeBase, { recursive: true, force: true });
});

function started(): Setup {
  const { mariadb, site, dovecot, databaseName } = setup;
  assert.ok(
    mariadb && site && dovecot && databaseName,
    'setup failed: see the error in before()',
  );
  return { mariadb, site, dovecot, databaseName };
}

function readDatabaseName(configPath: string): string {
  const match = /^name = "([^"]+)"$/m.exec(readFileSync(configPath, 'utf8'));
  assert.ok(match?.[1], `no database name in ${configPath}`);
  return match[1];
}

async function cli(args: string[], input?: string): Promise<void> {
  const result = await started().site.cli(args, input);
  assert.equal(
    result.exitCode,
    0,
    `passgate ${args.join(' ')}: ${result.stderr}`,
  );
}

async function addUser(user: string): Promise<void> {
  await cli(['user', 'add', user, '--password-stdin'], `${PASSWORD}\n`);
}

async function addAppPassword(
  user: string,
  ...options: string[]
): Promise<{ id: number; password: string }> {
  return started().site.cliJSON(['app-password', 'add', user, ...options]);
}

type Protocol = 'imap' | 'pop3';

function login(
  protocol: Protocol,
  user: string,
  secret: string,
  options: LoginOptions = {},
): Promise<LoginResult> {
  const { dovecot } = started();
  return protocol === 'imap'
    ? curlIMAPLogin(dovecot.imapPort, user, secret, options)
    : curlPOP3Login(dovecot.pop3Port, user, secret, options);
}

/** Logs in over IMAP and POP3 and asserts the outcome of both. */
async function assertLogins(
  user: string,
  secret: string,
  expected: LoginOutcome,
  protocols: Protocol[] = ['imap', 'pop3'],
  options: LoginOptions = {},
): Promise<void> {
  for (const protocol of protocols) {
    const result = await login(protocol, user, secret, options);
    assert.equal(result.outcome, expected, `${protocol}: ${result.output}`);
  }
}

/** Waits for a passgate log line of this user that matches pattern. */
async function waitForDecision(user: string, pattern: RegExp): Promise<void> {
  const { logPath } = started().site;
  const deadline = Date.now() + 5_000;
  for (;;) {
    const lines = readFileSync(logPath, 'utf8').split('\n');
    if (
      lines.some((line) => line.includes(`user=${user} `) && pattern.test(line))
    ) {
      return;
    }
    if (Date.now() > deadline) {
      assert.fail(`no passgate log line for ${user} matched ${pattern}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('account password and app passwords', () => {
  const user = 'alice@example.org';
  let app = { id: 0, password: '' };

  before(async () => {
    await addUser(user);
    app = await addAppPassword(user, '--name', 'phone');
  });

  it('account password accepted while off', async () => {
    await assertLogins(user, PASSWORD, 'accepted');
  });

  it('app password rejected while off', async () => {
    await assertLogins(user, app.password, 'rejected');
  });

  it('upper-case username accepted', async () => {
    await assertLogins('ALICE@Example.org', PASSWORD, 'accepted', ['imap']);
  });

  it('account password rejected when on', async () => {
    await cli(['app-password', 'on', user]);

    await assertLogins(user, PASSWORD, 'rejected');
    await waitForDecision(user, /reason=account-password-not-allowed/);
  });

  it('app password accepted when on', async () => {
    await assertLogins(user, app.password, 'accepted');
    await waitForDecision(
      user,
      /outcome=accept reason=app-password .*app_password_id=/,
    );
  });

  it('app password in upper case', async () => {
    await assertLogins(user, app.password.toUpperCase(), 'accepted');
  });

  it('app password with spaces', async () => {
    const spaced = app.password.replaceAll('-', ' ');
    await assertLogins(user, spaced, 'accepted');
  });

  it('app password without separators', async () => {
    await assertLogins(user, app.password.replaceAll('-', ''), 'accepted', [
      'imap',
    ]);
  });

  it('wrong app password rejected', async () => {
    const wrong = app.password.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await assertLogins(user, wrong, 'rejected', ['imap']);
  });

  it('disabled app password rejected', async () => {
    await cli(['app-password', 'disable', user, String(app.id)]);
    await assertLogins(user, app.password, 'rejected');
    await waitForDecision(user, /reason=app-password-disabled/);

    await cli(['app-password', 'enable', user, String(app.id)]);
    await assertLogins(user, app.password, 'accepted', ['imap']);
  });

  it('switch off and on again', async () => {
    await cli(['app-password', 'off', user]);
    await assertLogins(user, PASSWORD, 'accepted');
    await assertLogins(user, app.password, 'rejected');

    await cli(['app-password', 'on', user]);
    await assertLogins(user, app.password, 'accepted');
    await assertLogins(user, PASSWORD, 'rejected');
  });

  it('deleted app password rejected', async () => {
    const other = await addAppPassword(user, '--name', 'tablet');
    await assertLogins(user, other.password, 'accepted', ['imap']);

    await cli(['app-password', 'delete', user, String(other.id)]);
    await assertLogins(user, other.password, 'rejected');
    await waitForDecision(user, /reason=wrong-app-password/);
  });

  it('expired app password rejected', async () => {
    const { mariadb, databaseName } = started();
    const other = await addAppPassword(user, '--expires', '2099-01-01');
    await assertLogins(user, other.password, 'accepted', ['imap']);

    await mariadb.rootQuery(
      `UPDATE \`${databaseName}\`.app_passwords ` +
        `SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE ` +
        `WHERE id = ${Number(other.id)}`,
    );
    await assertLogins(user, other.password, 'rejected');
    await waitForDecision(user, /reason=app-password-expired/);
  });

  it('out-of-scope app password rejected', async () => {
    const imapOnly = await addAppPassword(user, '--scope', 'imap');

    await assertLogins(user, imapOnly.password, 'accepted', ['imap']);
    await assertLogins(user, imapOnly.password, 'rejected', ['pop3']);
    await waitForDecision(
      user,
      /class=pop3 .*reason=app-password-out-of-scope|reason=app-password-out-of-scope .*class=pop3/,
    );
  });

  it('last use is recorded', async () => {
    const list = await started().site.cliJSON(['app-password', 'list', user]);
    const phone = list.appPasswords.find(
      (entry: { id: number }) => entry.id === app.id,
    );

    assert.match(phone.lastUsed, /^\d{4}-\d\d-\d\dT/);
    assert.match(phone.lastUsedService, /^(imap|pop3)$/);
    assert.equal(phone.lastUsedIP, '127.0.0.1');
  });
});

describe('2FA with app passwords off', () => {
  const user = 'bob@example.org';
  let app = { id: 0, password: '' };

  before(async () => {
    await addUser(user);
    app = await addAppPassword(user);
    await started().site.cliJSON(['2fa', 'otp', user, '--count', '2']);
    await cli(['2fa', 'on', user]);
  });

  it('account password rejected', async () => {
    await assertLogins(user, PASSWORD, 'rejected');
    await waitForDecision(user, /reason=account-password-not-allowed/);
  });

  it('app password rejected while off', async () => {
    await assertLogins(user, app.password, 'rejected');
    await waitForDecision(user, /reason=app-passwords-off/);
  });

  it('app password accepted once on', async () => {
    await cli(['app-password', 'on', user]);

    await assertLogins(user, app.password, 'accepted');
    await assertLogins(user, PASSWORD, 'rejected', ['imap']);
  });

  it('2FA off keeps app passwords', async () => {
    await cli(['2fa', 'off', user]);

    await assertLogins(user, app.password, 'accepted', ['imap']);
    await assertLogins(user, PASSWORD, 'rejected', ['imap']);
  });
});

describe('login from a webmail network', () => {
  const user = 'carol@example.org';
  const fromWebmail = { sourceAddress: WEBMAIL_ADDRESS };
  let app = { id: 0, password: '' };

  before(async () => {
    await addUser(user);
    app = await addAppPassword(user);
    await cli(['app-password', 'on', user]);
  });

  it('account password accepted', async () => {
    await assertLogins(
      user,
      PASSWORD,
      'accepted',
      ['imap', 'pop3'],
      fromWebmail,
    );
    await waitForDecision(
      user,
      /outcome=accept reason=account-password .*class=webmail rip=127\.0\.0\.2|class=webmail rip=127\.0\.0\.2 .*reason=account-password/,
    );
  });

  it('app password rejected', async () => {
    await assertLogins(
      user,
      app.password,
      'rejected',
      ['imap', 'pop3'],
      fromWebmail,
    );
    await waitForDecision(user, /reason=app-password-not-for-webmail/);
  });

  it('other addresses stay protocol logins', async () => {
    await assertLogins(user, app.password, 'accepted', ['imap']);
    await assertLogins(user, PASSWORD, 'rejected', ['imap']);
  });
});

describe('LMTP delivery', () => {
  const user = 'dave@example.org';

  before(async () => {
    await addUser(user);
  });

  it('delivers to an account', async () => {
    const result = await lmtpDeliver(started().dovecot.lmtpPort, user);
    const transcript = result.transcript.join('\n');

    assert.equal(result.accepted, true, transcript);
    assert.match(result.dataReply ?? '', /^250 /);
    const inbox = join(
      mailHomeBase ?? '',
      'example.org',
      'dave',
      'Maildir',
      'new',
    );
    assert.equal(readdirSync(inbox).length, 1);
    await waitForDecision(user, /event=lookup .*outcome=accept reason=lookup/);
  });

  it('delivers to a disabled account', async () => {
    await cli(['user', 'disable', user]);
    const result = await lmtpDeliver(started().dovecot.lmtpPort, user);
    await cli(['user', 'enable', user]);

    assert.equal(result.accepted, true, result.transcript.join('\n'));
  });

  it('rejects an unknown recipient', async () => {
    const result = await lmtpDeliver(
      started().dovecot.lmtpPort,
      'nobody@example.org',
    );

    assert.equal(result.accepted, false);
    assert.match(result.rcptReply, /^550 5\.1\.1 /);
    assert.equal(result.dataReply, null);
  });
});

describe('malformed and odd input', () => {
  const user = 'erin@example.org';

  before(async () => {
    await addUser(user);
  });

  it('Dovecot rejects a long password', async () => {
    const result = await login('imap', user, 'p'.repeat(600));

    assert.equal(result.outcome, 'rejected', result.output);
    await started().dovecot.waitForLog(
      /Username\+password combination too long/,
    );
  });

  it('600 bytes on fd 3 exit 2', async () => {
    const data = Buffer.from(
      `${user}\0${'p'.repeat(600 - user.length - 3)}\0\0`,
    );
    const result = await runCheckpassword(started().site.configPath, data, {
      SERVICE: 'imap',
      TCPREMOTEIP: '127.0.0.1',
    });

    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /the limit is 512/);
  });

  it('trailing space username rejected', async () => {
    await assertLogins(`${user} `, PASSWORD, 'rejected');

    // Dovecot's default auth_username_chars has no space, so it rejects
    // the name before it runs passgate; passgate's own check is below.
    await started().dovecot.waitForLog(
      /Username character disallowed by auth_username_chars: 0x20/,
    );
  });

  it('trailing space rejected by passgate', async () => {
    const data = Buffer.from(`${user} \0${PASSWORD}\0\0`);
    const result = await runCheckpassword(started().site.configPath, data, {
      SERVICE: 'imap',
    });

    assert.equal(result.exitCode, 1);
    assert.equal(result.reply, '');
  });
});

describe('database stopped', () => {
  const user = 'frank@example.org';
  let stopped = false;

  before(async () => {
    await addUser(user);
    await assertLogins(user, PASSWORD, 'accepted', ['imap']);
    await started().mariadb.stop();
    stopped = true;
  });

  after(async () => {
    if (stopped) await setup.mariadb?.start();
  });

  it('IMAP sees a temporary failure', async () => {
    await assertLogins(user, PASSWORD, 'tempfail', ['imap']);
  });

  it('POP3 sees a temporary failure', async () => {
    await assertLogins(user, PASSWORD, 'tempfail', ['pop3']);
  });

  it('Dovecot logs status 111', async () => {
    await started().dovecot.waitForLog(/checkpassword.*exited with status 111/);
    const log = started().dovecot.readLog();

    assert.match(log, /reason=database-unavailable/);
    assert.doesNotMatch(log, /\n\s+at /);
  });

  it('LMTP defers the recipient', async () => {
    const result = await lmtpDeliver(started().dovecot.lmtpPort, user);

    assert.equal(result.accepted, false);
    assert.match(result.rcptReply, /^4\d\d /);
  });

  it('logins work after a restart', async () => {
    await started().mariadb.start();
    stopped = false;

    await assertLogins(user, PASSWORD, 'accepted');
  });
});
