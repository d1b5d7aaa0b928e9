import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { loadConfig } from '../../../src/config/config.ts';
import { DEFAULTS } from '../../../src/config/defaults.ts';
import { isPassgateError } from '../../../src/errors/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'passgate-config-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function writeConfig(text: string): string {
  const file = join(dir, `config-${++fileCount}.toml`);
  writeFileSync(file, text);
  return file;
}

const VALID = `site_key_file = "/etc/passgate/site.key"
deadline_seconds = 3

[database]
socket = "/run/mysqld/mysqld.sock"
user = "passgate"
password_file = "/etc/passgate/db.password"
name = "passgate"

[userdb]
uid = 5000
gid = 5000
home = "/var/vmail/%d/%n"

[webmail]
networks = ["192.0.2.10/32", "2001:db8::/48", "198.51.100.1"]

[log]
file = "/var/log/passgate.log"

[services]
roundcube = "webmail"
`;

describe('loadConfig with a valid file', () => {
  const config = loadConfig(writeConfig(VALID));

  it('reads the fixed keys', () => {
    assert.equal(config.siteKeyFile, '/etc/passgate/site.key');
    assert.equal(config.deadlineSeconds, 3);
    assert.equal(config.database.socket, '/run/mysqld/mysqld.sock');
    assert.equal(config.database.host, undefined);
    assert.equal(config.database.user, 'passgate');
    assert.equal(config.database.passwordFile, '/etc/passgate/db.password');
    assert.equal(config.database.name, 'passgate');
    assert.deepEqual(config.userdb, {
      uid: 5000,
      gid: 5000,
      home: '/var/vmail/%d/%n',
    });
    assert.equal(config.log.file, '/var/log/passgate.log');
  });

  it('builds the webmail networks', () => {
    const networks = config.webmail.blockList;

    assert.equal(networks.check('192.0.2.10', 'ipv4'), true);
    assert.equal(networks.check('192.0.2.11', 'ipv4'), false);
    assert.equal(networks.check('198.51.100.1', 'ipv4'), true);
    assert.equal(networks.check('2001:db8:0:1::1', 'ipv6'), true);
    assert.equal(networks.check('2001:db9::1', 'ipv6'), false);
  });

  it('merges the service map', () => {
    assert.equal(config.services.roundcube, 'webmail');
    assert.equal(config.services.imap, 'imap');
    assert.equal(config.services.submission, 'smtp');
  });

  it('fills defaults', () => {
    assert.equal(config.database.port, 3306);
    assert.deepEqual(config.argon2, DEFAULTS.argon2);
    assert.equal(config.otp.count, DEFAULTS.otpCount);
    assert.equal(
      config.database.queryTimeoutSeconds,
      DEFAULTS.queryTimeoutSeconds,
    );
  });

  it('reads the query timeout', () => {
    const text = VALID.replace(
      'name = "passgate"\n',
      'name = "passgate"\nquery_timeout_seconds = 2.5\n',
    );
    const timed = loadConfig(writeConfig(text));

    assert.equal(timed.database.queryTimeoutSeconds, 2.5);
  });

  it('is frozen', () => {
    assert.equal(Object.isFrozen(config), true);
    assert.equal(Object.isFrozen(config.database), true);
  });

  it('accepts an empty file with defaults', () => {
    const empty = loadConfig(writeConfig(''));

    assert.equal(empty.database.socket, DEFAULTS.databaseSocket);
    assert.equal(empty.deadlineSeconds, DEFAULTS.deadlineSeconds);
    assert.equal(empty.log.file, undefined);
  });
});

describe('loadConfig errors', () => {
  // Each row: name, config text, line of the error, key, problem.
  const rows: [string, string, number, string, RegExp][] = [
    [
      'unknown top-level key',
      'site_key = "/k"\n',
      1,
      'site_key',
      /unknown key/,
    ],
    [
      'unknown key in a table',
      '[database]\nuser = "p"\nsockt = "/s"\n',
      3,
      'database.sockt',
      /unknown key; expected one of socket/,
    ],
    [
      'unknown table',
      'site_key_file = "/k"\n\n[mail]\nx = 1\n',
      3,
      'mail',
      /unknown key/,
    ],
    [
      'string for an integer',
      '[userdb]\nuid = "5000"\n',
      2,
      'userdb.uid',
      /must be an integer from 1 to 4294967294, got "5000"/,
    ],
    [
      'integer for a string',
      '[database]\nuser = 5\n',
      2,
      'database.user',
      /must be a non-empty string, got 5/,
    ],
    [
      'number out of range',
      'deadline_seconds = 600\n',
      1,
      'deadline_seconds',
      /must be a number from 0.5 to 60, got 600/,
    ],
    [
      'table given as a value',
      'database = "x"\n',
      1,
      'database',
      /must be a table/,
    ],
    [
      'networks not an array',
      '[webmail]\nnetworks = "192.0.2.1"\n',
      2,
      'webmail.networks',
      /must be an array of strings/,
    ],
    [
      'bad network address',
      '[webmail]\nnetworks = ["192.0.2.300/32"]\n',
      2,
      'webmail.networks',
      /"192.0.2.300\/32" is not an IP address or CIDR network/,
    ],
    [
      'prefix too long',
      '[webmail]\nnetworks = ["192.0.2.0/33"]\n',
      2,
      'webmail.networks',
      /is not an IP address or CIDR network/,
    ],
    [
      'host name as network',
      '[webmail]\nnetworks = ["webmail.example.org"]\n',
      2,
      'webmail.networks',
      /is not an IP address or CIDR network/,
    ],
    [
      'socket and host',
      '[database]\nsocket = "/s"\nhost = "127.0.0.1"\n',
      3,
      'database.host',
      /set either socket or host, not both/,
    ],
    [
      'password and password file',
      '[database]\npassword = "x"\npassword_file = "/f"\n',
      2,
      'database.password',
      /set either password or password_file/,
    ],
    [
      'relative home',
      '[userdb]\nhome = "vmail/%d/%n"\n',
      2,
      'userdb.home',
      /must be an absolute path/,
    ],
    [
      'query timeout of zero',
      '[database]\nquery_timeout_seconds = 0\n',
      2,
      'database.query_timeout_seconds',
      /must be a number from 0.1 to 3600, got 0/,
    ],
    [
      'argon2 memory above 1 GiB',
      '[argon2]\nmemory_kib = 2097152\n',
      2,
      'argon2.memory_kib',
      /must be an integer from 8192 to 1048576, got 2097152/,
    ],
    [
      'argon2 cost above limit',
      '[argon2]\nmemory_kib = 1048576\npasses = 8\n',
      3,
      'argon2.passes',
      /memory times passes \(1048576 KiB x 8\) is 8388608, above the limit of 2097152/,
    ],
    [
      'unknown service class',
      '[services]\nimap = "mail"\n',
      2,
      'services.imap',
      /must be one of imap, pop3/,
    ],
    [
      'TOML syntax error',
      'site_key_file = "/k"\n[database\nuser = "p"\n',
      2,
      '',
      /invalid TOML/,
    ],
    [
      'unterminated string',
      '[log]\nfile = "/var/log/x\n',
      2,
      '',
      /invalid TOML: control characters are not allowed in strings$/,
    ],
  ];
  for (const [name, text, line, key, problem] of rows) {
    it(name, () => {
      const file = writeConfig(text);
      const prefix =
        key === '' ? `${file}:${line}: ` : `${file}:${line}: ${key}: `;
      assert.throws(
        () => loadConfig(file),
        (error: unknown) => {
          assert.ok(isPassgateError(error), name);
          assert.equal(error.code, 'CONFIG_INVALID', name);
          assert.ok(
            error.message.startsWith(prefix),
            `${name}: "${error.message}" should start with "${prefix}"`,
          );
          assert.match(error.message, problem, name);
          return true;
        },
      );
    });
  }

  it('names a missing file', () => {
    const file = join(dir, 'missing.toml');
    assert.throws(
      () => loadConfig(file),
      (error: unknown) =>
        isPassgateError(error) &&
        error.code === 'CONFIG_UNREADABLE' &&
        error.message === `cannot read config file ${file}: ENOENT`,
    );
  });
});
