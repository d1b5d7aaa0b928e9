import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  runCheckpassword,
  type PassgateSite,
} from '../support/passgate.ts';
import { recordSecret } from '../support/secrets.ts';
import { requireTools } from '../support/tools.ts';

const PASSWORD = 'old-system-secret';
const COMPOSED = 'caf\u00e9-Passw0rd';
const DECOMPOSED = 'cafe\u0301-Passw0rd';
const LATIN1 = Buffer.from('caf\xe9-Passw0rd', 'latin1');
const IMAP = { SERVICE: 'imap', TCPREMOTEIP: '192.0.2.10' };
// Salt (16 bytes) and digest (32 bytes) of a made-up argon2 hash, in the
// unpadded base64 of PHC strings.
const HASH_SALT = 'c29tZXNhbHRzb21lc2FsdA';
const HASH_DIGEST = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';

// Dovecot's doveadm is the oracle for every Dovecot scheme. The password
// goes through printf in a shell, because Node encodes every argument as
// UTF-8 and the Latin-1 case needs raw bytes.
function doveadmHash(scheme: string, password: string | Buffer): string {
  const octal = [...Buffer.from(password)]
    .map((byte) => `\\${byte.toString(8).padStart(3, '0')}`)
    .join('');
  return execFileSync(
    'bash',
    ['-c', 'doveadm pw -s "$1" -p "$(printf "$2")"', 'bash', scheme, octal],
    { encoding: 'utf8' },
  ).trim();
}

function login(site: PassgateSite, user: string, password: string | Buffer) {
  const data = Buffer.concat([
    Buffer.from(`${user}\0`),
    Buffer.from(password),
    Buffer.from('\0'),
  ]);
  return runCheckpassword(site.configPath, data, IMAP);
}

describe('legacy hash import and login', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;
  const schemes = [
    'SHA512-CRYPT',
    'SHA256-CRYPT',
    'BLF-CRYPT',
    'MD5-CRYPT',
    'SSHA512',
    'SSHA256',
    'SSHA',
    'PLAIN',
    'ARGON2I',
    'ARGON2ID',
  ];

  before(async () => {
    requireTools([{ path: '/usr/bin/doveadm', debianPackage: 'dovecot-core' }]);
    for (const secret of [PASSWORD, COMPOSED, DECOMPOSED]) recordSecret(secret);
    mariadb = await startMariaDB();
    // Each scheme is tried with a wrong password from one address, more
    // failures than the default throttle allows.
    site = await createPassgateSite(mariadb, {
      extraConfig:
        '[throttle]\naddress_failures = 1000\naccount_failures = 5000',
    });
  });

  after(async () => {
    await mariadb?.destroy();
  });

  test('import reports bad lines by number', async () => {
    const lines = schemes.map(
      (scheme) =>
        `${scheme.toLowerCase()}@example.org\t${doveadmHash(scheme, PASSWORD)}`,
    );
    lines.push(
      '# a comment',
      '',
      'bare@example.org:$6$abcdefgh$' + 'x'.repeat(86) + ':5000:5000::/home:',
      'unknown@example.org\t{SCRAM-SHA-256}4096,c2FsdA==,a2V5',
      'bad user@example.org\t{PLAIN}whatever1',
      'sha512-crypt@example.org\t{PLAIN}duplicate1',
      'no-hash-field@example.org',
    );
    const file = join(site.dir, 'import.txt');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const result = await site.cli(['user', 'import', file, '--json']);
    const report = JSON.parse(result.stdout);

    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(report.created, schemes.length + 1);
    assert.deepEqual(
      report.rejected.map((row: { lineNumber: number }) => row.lineNumber),
      [14, 15, 16, 17],
    );
    assert.match(report.rejected[0].reason, /unknown-hash-scheme/);
    assert.match(report.rejected[2].reason, /same user as line 1$/);
    assert.doesNotMatch(result.stdout + result.stderr, /SCRAM|4096|duplicate1/);
  });

  test('import skips existing accounts by default', async () => {
    const line = `plain@example.org\t{PLAIN}replaced-secret\n`;
    recordSecret('replaced-secret');
    const skipped = await site.cliJSON(['user', 'import', '-'], line);
    assert.equal(skipped.skipped, 1);

    const updated = await site.cliJSON(
      ['user', 'import', '-', '--update'],
      line,
    );
    assert.equal(updated.updated, 1);
    assert.equal(
      (await login(site, 'plain@example.org', 'replaced-secret')).exitCode,
      0,
    );

    const restored = `plain@example.org\t{PLAIN}${PASSWORD}\n`;
    await site.cliJSON(['user', 'import', '-', '--update'], restored);
  });

  test('report counts accounts per scheme', async () => {
    const report = await site.cliJSON(['report', 'hashes']);
    const counts = Object.fromEntries(
      report.schemes.map((row: { scheme: string; accounts: number }) => [
        row.scheme,
        row.accounts,
      ]),
    );
    for (const scheme of schemes) {
      const expected = scheme === 'SHA512-CRYPT' ? 2 : 1;
      assert.equal(counts[scheme], expected, scheme);
    }
    assert.equal(report.total, schemes.length + 1);
  });

  test('every imported scheme logs in and upgrades', async () => {
    for (const scheme of schemes) {
      const user = `${scheme.toLowerCase()}@example.org`;
      const wrong = await login(site, user, `${PASSWORD}x`);
      assert.equal(wrong.exitCode, 1, `${scheme} wrong password`);
      const first = await login(site, user, PASSWORD);
      assert.equal(first.exitCode, 0, `${scheme}: ${first.stderr}`);
      const second = await login(site, user, PASSWORD);
      assert.equal(second.exitCode, 0, `${scheme} after upgrade`);
    }

    const report = await site.cliJSON(['report', 'hashes']);
    const argon2id = report.schemes.find(
      (row: { scheme: string }) => row.scheme === 'ARGON2ID',
    );
    assert.equal(argon2id.accounts, schemes.length);
  });

  test('unknown stored scheme is rejected and logged', async () => {
    const database = readFileSync(site.configPath, 'utf8').match(
      /^name = "(.*)"$/m,
    )?.[1];
    assert.ok(database);
    await mariadb?.rootQuery(
      `INSERT INTO ${database}.accounts (username, password_hash, ` +
        `created_at, updated_at) VALUES ('odd@example.org', ` +
        `'{SMD5}FGqnKXIV/s3tGuz5ZD8F2hYB40Y=', NOW(), NOW())`,
    );

    const result = await login(site, 'odd@example.org', PASSWORD);

    assert.equal(result.exitCode, 1);
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(log, /reason=unknown-hash-scheme user=odd@example.org/);
    assert.doesNotMatch(log, /FGqnKXIV/);
  });

  test('argon2 above cost limit is refused', async () => {
    const database = readFileSync(site.configPath, 'utf8').match(
      /^name = "(.*)"$/m,
    )?.[1];
    assert.ok(database);
    const tail = `${HASH_SALT}$${HASH_DIGEST}`;
    await mariadb?.rootQuery(
      `INSERT INTO ${database}.accounts (username, password_hash, ` +
        `created_at, updated_at) VALUES ('costly@example.org', ` +
        `'$argon2id$v=19$m=1048576,t=4,p=1$${tail}', NOW(), NOW())`,
    );
    const line = `costly2@example.org\t{ARGON2I}$argon2i$v=19$m=524288,t=8,p=1$${tail}\n`;

    const result = await login(site, 'costly@example.org', PASSWORD);
    const imported = await site.cli(['user', 'import', '-', '--json'], line);

    assert.equal(result.exitCode, 1, result.stderr);
    const log = readFileSync(site.logPath, 'utf8');
    assert.match(log, /reason=unknown-hash-scheme user=costly@example.org/);
    assert.doesNotMatch(log, new RegExp(HASH_DIGEST));
    assert.equal(imported.exitCode, 2, imported.stderr);
    const report = JSON.parse(imported.stdout);
    assert.match(report.rejected[0].reason, /unknown-hash-scheme/);
  });
});

describe('Unicode password forms', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    requireTools([{ path: '/usr/bin/doveadm', debianPackage: 'dovecot-core' }]);
    for (const secret of [COMPOSED, DECOMPOSED]) recordSecret(secret);
    mariadb = await startMariaDB();
    // Each scheme is tried with a wrong password from one address, more
    // failures than the default throttle allows.
    site = await createPassgateSite(mariadb, {
      extraConfig:
        '[throttle]\naddress_failures = 1000\naccount_failures = 5000',
    });
    const lines = [
      `nfc@example.org\t${doveadmHash('SHA512-CRYPT', COMPOSED)}`,
      `nfd@example.org\t${doveadmHash('SHA512-CRYPT', DECOMPOSED)}`,
      `latin1@example.org\t${doveadmHash('SSHA256', LATIN1)}`,
    ];
    await site.cliJSON(['user', 'import', '-'], `${lines.join('\n')}\n`);
    await site.cliJSON(
      ['user', 'add', 'new@example.org', '--password-stdin'],
      `${DECOMPOSED}\n`,
    );
  });

  after(async () => {
    await mariadb?.destroy();
  });

  const CASES = [
    ['nfc@example.org', 'composed', COMPOSED],
    ['nfc@example.org', 'decomposed', DECOMPOSED],
    ['nfd@example.org', 'decomposed', DECOMPOSED],
    ['nfd@example.org', 'composed', COMPOSED],
    ['new@example.org', 'composed', COMPOSED],
    ['new@example.org', 'decomposed', DECOMPOSED],
  ] as const;

  for (const [user, form, password] of CASES) {
    test(`${user} accepts ${form} é`, async () => {
      assert.equal((await login(site, user, password)).exitCode, 0);
      // The first login upgraded the hash; the other form still works.
      assert.equal((await login(site, user, password)).exitCode, 0);
    });
  }

  test('raw Latin-1 bytes match their hash', async () => {
    assert.equal((await login(site, 'latin1@example.org', LATIN1)).exitCode, 0);
    assert.equal((await login(site, 'latin1@example.org', LATIN1)).exitCode, 0);
    assert.equal(
      (await login(site, 'latin1@example.org', COMPOSED)).exitCode,
      1,
    );
  });
});
