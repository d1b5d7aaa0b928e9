import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import {
  curlDAVStatus,
  startApache,
  type ApacheServer,
} from '../support/apache.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { recordSecret } from '../support/secrets.ts';

// Apache runs mod_authnz_external programs as its User.
const APACHE_USER = 'www-data';
const PASSWORD = 'dav-account-Pa55';

describe('Apache DAV logins', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;
  let apache: ApacheServer | undefined;

  before(async () => {
    recordSecret(PASSWORD);
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, { daemonUser: APACHE_USER });
    await addUser(site, 'frank@example.org');
    await addUser(site, 'grace@example.org');
    apache = await startApache(
      `${PASSGATE_BIN} apache --config ${site.configPath} --service dav`,
    );
  });

  after(async () => {
    await apache?.destroy();
    await mariadb?.destroy();
  });

  it('accepts the account password', async () => {
    const status = await login('frank@example.org', PASSWORD);

    assert.equal(status, 207, started(apache).readErrorLog());
    assertLogged(
      /door=apache outcome=accept reason=account-password .*class=dav/,
    );
  });

  it('rejects a wrong password', async () => {
    const status = await login('frank@example.org', 'Not-the-Pa55word');

    assert.equal(status, 401);
    assertLogged(/door=apache outcome=reject reason=wrong-password/);
  });

  it('rejects an unknown account', async () => {
    const status = await login('nobody@example.org', PASSWORD);

    assert.equal(status, 401);
    assertLogged(/door=apache outcome=reject reason=unknown-account/);
  });

  it('takes app passwords once switched on', async () => {
    const live = started(site);
    const dav = await live.cliJSON([
      'app-password',
      'add',
      'grace@example.org',
      '--scope',
      'dav',
    ]);
    await live.cliJSON(['app-password', 'on', 'grace@example.org']);

    const account = await login('grace@example.org', PASSWORD);
    const app = await login('grace@example.org', dav.password);

    assert.equal(account, 401);
    assert.equal(app, 207);
    assertLogged(
      /door=apache outcome=reject reason=account-password-not-allowed/,
    );
  });

  it('rejects an IMAP-only app password', async () => {
    const imap = await started(site).cliJSON([
      'app-password',
      'add',
      'grace@example.org',
      '--scope',
      'imap',
    ]);

    const status = await login('grace@example.org', imap.password);

    assert.equal(status, 401);
    assertLogged(/door=apache outcome=reject reason=app-password-out-of-scope/);
  });

  function login(user: string, password: string): Promise<number> {
    recordSecret(password);
    return curlDAVStatus(started(apache).port, user, password);
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
