import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startDovecot, type DovecotServer } from '../support/dovecot.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import {
  startPostfix,
  swaksAuth,
  type PostfixServer,
} from '../support/postfix.ts';
import { makePublicTempDir } from '../support/process.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';

const PASSWORD = 'smtp-account-Pa55';
// Dovecot limits each service to 256 MB of address space by default, too
// little for V8 to start: passgate then dies with "Fatal process out of
// memory" before reading fd 3.
const NODE_MEMORY_CONFIG = 'service auth {\n  vsz_limit = 4G\n}\n';

describe('Postfix SMTP AUTH through Dovecot', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;
  let dovecot: DovecotServer | undefined;
  let postfix: PostfixServer | undefined;
  let socketDir: string | undefined;

  before(async () => {
    recordSecret(PASSWORD);
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, { daemonUser: 'dovecot' });
    for (const user of ['henry@example.org', 'iris@example.org']) {
      await addUser(site, user);
    }
    socketDir = makePublicTempDir('passgate-sasl-');
    const authSocket = join(socketDir, 'auth');
    const program = `${PASSGATE_BIN} checkpassword --config ${site.configPath}`;
    dovecot = await startDovecot({
      passdbArgs: program,
      userdbArgs: program,
      authListenerPath: authSocket,
      extraConfig: NODE_MEMORY_CONFIG,
    });
    postfix = await startPostfix(authSocket);
  });

  after(async () => {
    await postfix?.destroy();
    if (dovecot) recordOutput('dovecot log', dovecot.readLog());
    await dovecot?.destroy();
    await mariadb?.destroy();
    if (socketDir) rmSync(socketDir, { recursive: true, force: true });
  });

  it('accepts the account password', async () => {
    const result = await login('henry@example.org', PASSWORD);

    assert.equal(result.accepted, true, result.output);
    assertLogged(
      /outcome=accept reason=account-password .*service=smtp class=smtp/,
    );
  });

  it('rejects a wrong password', async () => {
    const result = await login('henry@example.org', 'Not-the-Pa55word');

    assert.equal(result.accepted, false, result.output);
    assert.match(result.output, /535 5\.7\.8/);
  });

  it('takes app passwords once switched on', async () => {
    const live = started(site);
    const smtp = await live.cliJSON([
      'app-password',
      'add',
      'iris@example.org',
      '--scope',
      'smtp',
    ]);
    await live.cliJSON(['app-password', 'on', 'iris@example.org']);

    const account = await login('iris@example.org', PASSWORD);
    const app = await login('iris@example.org', smtp.password);

    assert.equal(account.accepted, false, account.output);
    assert.equal(app.accepted, true, app.output);
    assertLogged(
      /outcome=reject reason=account-password-not-allowed user=iris/,
    );
  });

  it('rejects an IMAP-only app password', async () => {
    const imap = await started(site).cliJSON([
      'app-password',
      'add',
      'iris@example.org',
      '--scope',
      'imap',
    ]);

    const result = await login('iris@example.org', imap.password);

    assert.equal(result.accepted, false, result.output);
    assertLogged(
      /outcome=reject reason=app-password-out-of-scope .*class=smtp/,
    );
  });

  it('rejects the account password under 2FA', async () => {
    const live = started(site);
    await live.cliJSON(['2fa', 'totp', 'henry@example.org']);
    await live.cliJSON(['2fa', 'on', 'henry@example.org']);

    const result = await login('henry@example.org', PASSWORD);

    assert.equal(result.accepted, false, result.output);
    assertLogged(
      /outcome=reject reason=account-password-not-allowed user=henry/,
    );
  });

  function login(user: string, password: string) {
    recordSecret(password);
    const server = started(postfix);
    return swaksAuth(server.port, user, password).then((result) => {
      recordOutput('swaks output', result.output);
      const log = server.readLog().split('\n').slice(-8).join('\n');
      return { ...result, output: `${result.output}\npostfix log:\n${log}` };
    });
  }

  function assertLogged(pattern: RegExp): void {
    assert.match(readFileSync(started(site).logPath, 'utf8'), pattern);
  }
});

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
