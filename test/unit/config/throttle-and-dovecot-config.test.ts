import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { loadConfig } from '../../../src/config/config.ts';
import { DEFAULTS } from '../../../src/config/defaults.ts';

const dir = mkdtempSync(join(tmpdir(), 'passgate-config-'));

function loadText(text: string) {
  const file = join(dir, 'passgate.toml');
  writeFileSync(file, text);
  return loadConfig(file);
}

describe('throttle, history and dovecot config', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the defaults when absent', () => {
    const config = loadText('');

    assert.deepEqual(config.throttle, DEFAULTS.throttle);
    assert.equal(config.history.keepDays, DEFAULTS.historyKeepDays);
    assert.equal(config.dovecot.kick, false);
    assert.equal(config.dovecot.doveadmPath, DEFAULTS.doveadmPath);
    assert.equal(config.dovecot.configFile, undefined);
  });

  it('keeps the address limit tighter', () => {
    const { addressFailures, accountFailures } = DEFAULTS.throttle;
    assert.ok(addressFailures < accountFailures);
  });

  it('reads every key', () => {
    const config = loadText(
      '[throttle]\naddress_failures = 4\naccount_failures = 9\n' +
        'window_seconds = 60\n[history]\nkeep_days = 7\n' +
        '[dovecot]\nkick = true\ndoveadm_path = "/opt/bin/doveadm"\n' +
        'config_file = "/etc/dovecot/test.conf"\n',
    );

    assert.deepEqual(config.throttle, {
      addressFailures: 4,
      accountFailures: 9,
      windowSeconds: 60,
    });
    assert.equal(config.history.keepDays, 7);
    assert.deepEqual(config.dovecot, {
      cacheFlush: false,
      kick: true,
      doveadmPath: '/opt/bin/doveadm',
      configFile: '/etc/dovecot/test.conf',
    });
  });

  it('rejects a zero limit', () => {
    assert.throws(
      () => loadText('[throttle]\naddress_failures = 0\n'),
      /passgate\.toml:2: throttle\.address_failures: must be an integer from 1/,
    );
  });

  it('rejects a non-boolean kick', () => {
    assert.throws(
      () => loadText('[dovecot]\nkick = "yes"\n'),
      /dovecot\.kick: must be true or false, got "yes"/,
    );
  });

  it('rejects a relative doveadm path', () => {
    assert.throws(
      () => loadText('[dovecot]\ndoveadm_path = "doveadm"\n'),
      /dovecot\.doveadm_path: must be an absolute path/,
    );
  });

  it('rejects an unknown throttle key', () => {
    assert.throws(
      () => loadText('[throttle]\nlockout_seconds = 5\n'),
      /throttle\.lockout_seconds: unknown key/,
    );
  });
});
