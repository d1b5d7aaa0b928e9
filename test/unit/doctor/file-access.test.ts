import assert from 'node:assert/strict';
import type { Stats } from 'node:fs';
import { describe, it } from 'node:test';

import {
  findAccessObstacle,
  type AccessMode,
  type UnixIdentity,
} from '../../../src/doctor/file-access.ts';

// A tree: / and /etc are 0755 root; /etc/passgate is 0750 root:dovecot.
const FILES: Record<string, { mode: number; uid: number; gid: number }> = {
  '/': { mode: 0o755, uid: 0, gid: 0 },
  '/etc': { mode: 0o755, uid: 0, gid: 0 },
  '/etc/passgate': { mode: 0o750, uid: 0, gid: 108 },
  '/etc/passgate/passgate.toml': { mode: 0o640, uid: 0, gid: 108 },
  '/etc/passgate/site.key': { mode: 0o600, uid: 104, gid: 108 },
  '/usr/local/bin/passgate': { mode: 0o755, uid: 0, gid: 0 },
  '/usr': { mode: 0o755, uid: 0, gid: 0 },
  '/usr/local': { mode: 0o755, uid: 0, gid: 0 },
  '/usr/local/bin': { mode: 0o755, uid: 0, gid: 0 },
};

function fakeStat(path: string): Stats {
  const entry = FILES[path];
  if (entry === undefined) {
    throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  }
  return entry as unknown as Stats;
}

const DOVECOT: UnixIdentity = { name: 'dovecot', uid: 104, gids: [108] };
const WWW: UnixIdentity = { name: 'www-data', uid: 33, gids: [33] };
const ROOT: UnixIdentity = { name: 'root', uid: 0, gids: [0] };

const CASES: [UnixIdentity, string, AccessMode, boolean][] = [
  [DOVECOT, '/etc/passgate/passgate.toml', 'read', true],
  [DOVECOT, '/etc/passgate/site.key', 'read', true],
  [DOVECOT, '/etc/passgate/passgate.toml', 'write', false],
  [WWW, '/etc/passgate/passgate.toml', 'read', false],
  [WWW, '/usr/local/bin/passgate', 'execute', true],
  [ROOT, '/etc/passgate/site.key', 'read', true],
  [ROOT, '/etc/passgate/passgate.toml', 'execute', false],
  [DOVECOT, '/etc/passgate/missing', 'read', false],
];

describe('findAccessObstacle', () => {
  for (const [identity, path, mode, allowed] of CASES) {
    it(`${identity.name} ${mode} ${path}`, () => {
      const obstacle = findAccessObstacle(identity, path, mode, fakeStat);
      assert.equal(obstacle === null, allowed, obstacle ?? 'allowed');
    });
  }

  it('names the blocking directory', () => {
    const obstacle = findAccessObstacle(
      WWW,
      '/etc/passgate/site.key',
      'read',
      fakeStat,
    );
    assert.match(obstacle ?? '', /^\/etc\/passgate \(mode 0750/);
  });
});
