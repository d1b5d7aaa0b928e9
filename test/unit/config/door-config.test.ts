import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { loadConfig } from '../../../src/config/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'passgate-door-config-'));

function load(text: string) {
  const file = join(dir, 'passgate.toml');
  writeFileSync(file, text);
  return loadConfig(file);
}

describe('door config tables', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults without the tables', () => {
    const config = load('');
    assert.deepEqual(config.pureFTPd, {
      unknownAccount: 'fail',
      deadlineSeconds: 2,
      service: 'ftp',
    });
    assert.equal(config.dovecot.cacheFlush, false);
    assert.equal(config.dovecot.doveadmPath, '/usr/bin/doveadm');
  });

  it('reads every key', () => {
    const config = load(
      '[pure_ftpd]\nunknown_account = "next"\ndeadline_seconds = 1.5\n' +
        'service = "pure-ftpd"\n[dovecot]\ncache_flush = true\n' +
        'doveadm_path = "/opt/doveadm"\nconfig_file = "/etc/d.conf"\n',
    );
    assert.equal(config.pureFTPd.unknownAccount, 'next');
    assert.equal(config.pureFTPd.deadlineSeconds, 1.5);
    assert.equal(config.pureFTPd.service, 'pure-ftpd');
    assert.equal(config.dovecot.cacheFlush, true);
    assert.equal(config.dovecot.configFile, '/etc/d.conf');
  });

  const INVALID: [string, RegExp][] = [
    [
      '[pure_ftpd]\nunknown_account = "skip"',
      /:2: pure_ftpd\.unknown_account: must be "fail" or "next"/,
    ],
    [
      '[pure_ftpd]\ndeadline_seconds = 0',
      /pure_ftpd\.deadline_seconds: must be a number/,
    ],
    ['[pure_ftpd]\nretries = 1', /pure_ftpd\.retries: unknown key/],
    [
      '[dovecot]\ncache_flush = "yes"',
      /dovecot\.cache_flush: must be true or false/,
    ],
    [
      '[dovecot]\ndoveadm_path = "doveadm"',
      /dovecot\.doveadm_path: must be an absolute path/,
    ],
  ];
  for (const [text, message] of INVALID) {
    it(`rejects ${text.split('\n')[1]}`, () => {
      assert.throws(() => load(text), message);
    });
  }
});
