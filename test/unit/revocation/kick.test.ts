import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { kickSessions } from '../../../src/revocation/kick.ts';

const dir = mkdtempSync(join(tmpdir(), 'passgate-kick-'));

// Writes a stand-in for doveadm that stores its arguments and exits with
// `status`.
function writeFakeDoveadm(status: number): string {
  const path = join(dir, `doveadm-${status}`);
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s\\n' "$@" > ${dir}/args\n` +
      `echo "kicked alice@example.org"\nexit ${status}\n`,
    { mode: 0o755 },
  );
  return path;
}

describe('kickSessions', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes config file and user', async () => {
    const doveadmPath = writeFakeDoveadm(0);
    const dovecot = {
      cacheFlush: false,
      kick: true,
      doveadmPath,
      configFile: '/etc/d.conf',
    };

    const result = await kickSessions(dovecot, 'alice@example.org');

    assert.equal(result.outcome, 'kicked');
    assert.equal(result.detail, 'kicked alice@example.org');
    const args = readFileSync(join(dir, 'args'), 'utf8');
    assert.equal(args, '-c\n/etc/d.conf\nkick\nalice@example.org\n');
  });

  it('reads exit 68 as no sessions', async () => {
    const dovecot = {
      cacheFlush: false,
      kick: true,
      doveadmPath: writeFakeDoveadm(68),
    };

    const result = await kickSessions(dovecot, 'alice@example.org');

    assert.equal(result.outcome, 'no-sessions');
  });

  it('reports another exit status', async () => {
    const dovecot = {
      cacheFlush: false,
      kick: true,
      doveadmPath: writeFakeDoveadm(75),
    };

    const result = await kickSessions(dovecot, 'alice@example.org');

    assert.equal(result.outcome, 'failed');
    assert.equal(result.detail, 'doveadm kick exited 75');
  });

  it('reports a missing doveadm', async () => {
    const dovecot = {
      cacheFlush: false,
      kick: true,
      doveadmPath: join(dir, 'missing'),
    };

    const result = await kickSessions(dovecot, 'alice@example.org');

    assert.equal(result.outcome, 'failed');
    assert.equal(result.detail, 'cannot run doveadm: ENOENT');
  });

  for (const username of ['al*ce', 'a?', '-h', '192.0.2.1', '10.0.0.0/8']) {
    it(`skips mask-like username ${username}`, async () => {
      const dovecot = {
        cacheFlush: false,
        kick: true,
        doveadmPath: writeFakeDoveadm(0),
      };

      const result = await kickSessions(dovecot, username);

      assert.equal(result.outcome, 'skipped');
    });
  }
});
