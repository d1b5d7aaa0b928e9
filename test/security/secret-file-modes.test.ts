import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  runCheckpassword,
  type PassgateSite,
} from '../support/passgate.ts';
import { recordSecret } from '../support/secrets.ts';

const PASSWORD = 'mode-test-password';
const IMAP = { SERVICE: 'imap', TCPREMOTEIP: '192.0.2.20' };

describe('secret file modes', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    recordSecret(PASSWORD);
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    await site.cliJSON(
      ['user', 'add', 'mode@example.org', '--password-stdin'],
      `${PASSWORD}\n`,
    );
  });

  after(async () => {
    await mariadb?.destroy();
  });

  const FILES = [
    ['database password file', 'db.password'],
    ['site key', 'site.key'],
  ] as const;
  const MODES = [0o640, 0o604, 0o660] as const;

  for (const [what, name] of FILES) {
    for (const mode of MODES) {
      test(`${what} mode ${mode.toString(8)} refused`, async () => {
        const file = join(site.dir, name);
        chmodSync(file, mode);
        try {
          // Generating one-time passwords needs the site key.
          const cli = await site.cli(['2fa', 'otp', 'mode@example.org']);
          const data = Buffer.from(`mode@example.org\0${PASSWORD}\0`);
          const login = await runCheckpassword(site.configPath, data, IMAP);

          assert.equal(cli.exitCode, 111);
          assert.match(cli.stderr, new RegExp(`${what} .*${name} has mode 0`));
          assert.match(cli.stderr, /daemon user.*its owner.*chmod 600/);
          assert.equal(login.exitCode, 111);
        } finally {
          chmodSync(file, 0o600);
        }
      });
    }
  }

  test('mode 0600 files work', async () => {
    const data = Buffer.from(`mode@example.org\0${PASSWORD}\0`);
    const login = await runCheckpassword(site.configPath, data, IMAP);
    assert.equal(login.exitCode, 0, login.stderr);
  });
});
