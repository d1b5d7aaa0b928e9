import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import { recordSecret } from '../support/secrets.ts';

// /bin/false replaces a doveadm that cannot reach Dovecot.
describe('auth cache flush after changes', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, {
      extraConfig: '[dovecot]\ncache_flush = true\ndoveadm_path = "/bin/false"',
    });
    const password = 'flush-account-Pa55';
    recordSecret(password);
    const added = await site.cli(
      ['user', 'add', 'mia@example.org', '--password-stdin'],
      `${password}\n`,
    );
    assert.equal(added.exitCode, 111, 'user add flushes too');
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('reports a failed flush', async () => {
    const result = await started(site).cli([
      'app-password',
      'on',
      'mia@example.org',
    ]);

    assert.equal(result.exitCode, 111);
    assert.match(result.stdout, /App passwords of mia@example.org are on/);
    assert.match(
      result.stderr,
      /the change is saved, but "doveadm auth cache flush mia@example.org" failed/,
    );
  });

  it('prints a new secret anyway', async () => {
    const result = await started(site).cli([
      'app-password',
      'add',
      'mia@example.org',
      '--json',
    ]);
    const printed = JSON.parse(result.stdout) as { password: string };
    recordSecret(printed.password);

    assert.equal(result.exitCode, 111);
    assert.match(printed.password, /\S{10,}/);
  });
});

function started<T>(value: T | undefined): T {
  assert.ok(value, 'setup failed: see the error in before()');
  return value;
}
