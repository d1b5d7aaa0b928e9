import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { runCommand } from '../support/process.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';
import { requireTools } from '../support/tools.ts';

const PAMTESTER_PATH = '/usr/bin/pamtester';
const PASSWORD = 'pam-account-Pa55';
// A PAM service name of this run, mapped to class smtp in [services] as
// saslauthd in front of an SMTP server would be.
const SERVICE = `passgate-test-${randomBytes(4).toString('hex')}`;
const PAM_FILE = `/etc/pam.d/${SERVICE}`;

describe('PAM logins through pam_exec', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;

  before(async () => {
    requireTools([{ path: PAMTESTER_PATH, debianPackage: 'pamtester' }]);
    recordSecret(PASSWORD);
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig: `[services]\n"${SERVICE}" = "smtp"`,
    });
    await addUser(site, 'dave@example.org');
    await addUser(site, 'erin@example.org');
    writeFileSync(
      PAM_FILE,
      `# Created by the passgate PAM test; removed when it ends.\n` +
        `auth required pam_exec.so expose_authtok quiet ${PASSGATE_BIN} ` +
        `pam --config ${site.configPath}\n` +
        'account required pam_permit.so\n',
    );
  });

  after(async () => {
    rmSync(PAM_FILE, { force: true });
    await mariadb?.destroy();
  });

  it('accepts the account password', async () => {
    const result = await pamLogin('dave@example.org', PASSWORD);

    assert.equal(result.exitCode, 0, result.output);
    assertLogged(
      /door=pam outcome=accept reason=account-password .*class=smtp/,
    );
  });

  it('rejects a wrong password', async () => {
    const result = await pamLogin('dave@example.org', 'Not-the-Pa55word');

    assert.notEqual(result.exitCode, 0, result.output);
    assertLogged(/door=pam outcome=reject reason=wrong-password/);
  });

  it('takes app passwords once switched on', async () => {
    const live = started(site);
    const smtp = await live.cliJSON([
      'app-password',
      'add',
      'erin@example.org',
      '--scope',
      'smtp',
    ]);
    await live.cliJSON(['app-password', 'on', 'erin@example.org']);

    const account = await pamLogin('erin@example.org', PASSWORD);
    const app = await pamLogin('erin@example.org', smtp.password);

    assert.notEqual(account.exitCode, 0, account.output);
    assert.equal(app.exitCode, 0, app.output);
    assertLogged(/door=pam outcome=reject reason=account-password-not-allowed/);
  });

  it('rejects an IMAP-only app password', async () => {
    const imap = await started(site).cliJSON([
      'app-password',
      'add',
      'erin@example.org',
      '--scope',
      'imap',
    ]);

    const result = await pamLogin('erin@example.org', imap.password);

    assert.notEqual(result.exitCode, 0, result.output);
    assertLogged(/door=pam outcome=reject reason=app-password-out-of-scope/);
  });

  it('exits 2 outside the auth type', async () => {
    const result = await runPAMMode(started(site).configPath, {
      PAM_TYPE: 'account',
      PAM_USER: 'dave@example.org',
      PAM_SERVICE: SERVICE,
    });

    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /PAM_TYPE is .*account.* expected .*auth/);
  });

  it('accepts a password ending in NUL', async () => {
    const result = await runPAMMode(
      started(site).configPath,
      { PAM_TYPE: 'auth', PAM_USER: 'dave@example.org', PAM_SERVICE: SERVICE },
      Buffer.from(`${PASSWORD}\0`),
    );

    assert.equal(result.exitCode, 0, result.stderr);
  });

  it('exits 2 past 512 bytes', async () => {
    const result = await runPAMMode(
      started(site).configPath,
      { PAM_TYPE: 'auth', PAM_USER: 'dave@example.org', PAM_SERVICE: SERVICE },
      Buffer.alloc(600, 0x61),
    );

    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /exceeds the limit of 513 bytes/);
  });

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

/** Authenticates through the real PAM stack; pamtester reads stdin. */
async function pamLogin(user: string, password: string) {
  recordSecret(password);
  const result = await runCommand(
    PAMTESTER_PATH,
    ['-v', '-I', 'rhost=127.0.0.1', SERVICE, user, 'authenticate'],
    { input: `${password}\n` },
  );
  const output = `${result.stdout}${result.stderr}`;
  recordOutput('pamtester output', output);
  return { exitCode: result.exitCode, output };
}

/** Runs `passgate pam` as pam_exec would, with `input` on stdin. */
function runPAMMode(
  configPath: string,
  environment: Record<string, string>,
  input: Buffer = Buffer.from(`${PASSWORD}\0`),
): Promise<{ exitCode: number | null; stderr: string }> {
  const child = spawn(PASSGATE_BIN, ['pam', '--config', configPath], {
    env: environment,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      recordOutput('pam mode stderr', stderr);
      resolve({ exitCode, stderr });
    });
  });
}

function started<T>(value: T | undefined): T {
  assert.ok(value, 'setup failed: see the error in before()');
  return value;
}
