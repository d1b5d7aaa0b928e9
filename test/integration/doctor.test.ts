import assert from 'node:assert/strict';
import { chmodSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';

describe('passgate doctor', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite | undefined;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb, { daemonUser: 'dovecot' });
  });

  after(async () => {
    await mariadb?.destroy();
  });

  it('passes a private installation', async () => {
    const live = started(site);
    chmodSync(live.configPath, 0o640);

    const result = await live.cli(['doctor', '--daemon-user', 'dovecot']);

    assert.equal(result.exitCode, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout, /^FAIL/m);
    assert.match(result.stdout, /^ok {3}dovecot read site key: /m);
    assert.match(result.stdout, /^ok {3}database: reachable, schema version/m);
  });

  it('fails a world-readable config', async () => {
    const live = started(site);
    chmodSync(live.configPath, 0o644);
    try {
      const result = await live.cli(['doctor']);

      assert.notEqual(result.exitCode, 0);
      assert.match(result.stdout, /^FAIL config mode: .*run chmod o-rwx/m);
    } finally {
      chmodSync(live.configPath, 0o640);
    }
  });

  it('fails a site key mode 0644', async () => {
    const live = started(site);
    chmodSync(live.siteKeyPath, 0o644);
    try {
      const result = await live.cli(['doctor']);

      assert.notEqual(result.exitCode, 0);
      assert.match(result.stdout, /^FAIL site key: .*mode 0644.*chmod 0600/m);
    } finally {
      chmodSync(live.siteKeyPath, 0o600);
    }
  });

  it('fails a daemon user without access', async () => {
    const result = await started(site).cli([
      'doctor',
      '--daemon-user',
      'www-data',
    ]);

    assert.notEqual(result.exitCode, 0);
    assert.match(result.stdout, /^FAIL www-data read site key: .*denies read/m);
    assert.match(result.stdout, /^ok {3}www-data execute executable: /m);
  });

  it('fails an unmigrated database', async () => {
    const live = started(site);
    const name = /^name = "(\w+)"$/m.exec(
      readFileSync(live.configPath, 'utf8'),
    )?.[1];
    assert.ok(name, 'database name in the config');
    await started(mariadb).rootQuery(`DROP TABLE ${name}.schema_migrations`);

    const result = await live.cli(['doctor']);

    assert.notEqual(result.exitCode, 0);
    assert.match(result.stdout, /^FAIL database: .*passgate db migrate/m);
  });

  it('fails an unreachable database', async () => {
    const live = started(site);
    await started(mariadb).stop();

    const result = await live.cli(['doctor']);

    assert.notEqual(result.exitCode, 0);
    assert.match(result.stdout, /^FAIL database: database unavailable/m);
  });
});

function started<T>(value: T | undefined): T {
  assert.ok(value, 'setup failed: see the error in before()');
  return value;
}
