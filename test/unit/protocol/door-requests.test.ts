import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parsePipeRequest } from '../../../src/protocol/apache-external/request.ts';
import { parseDoorArguments } from '../../../src/protocol/door-arguments.ts';
import { parseLuaPassdbRequest } from '../../../src/protocol/dovecot-lua/request.ts';
import { parsePAMPassword } from '../../../src/protocol/pam-exec/pam-mode.ts';
import { formatRejectReply } from '../../../src/protocol/pureftpd-extauth/reply.ts';
import { readPureAuthdRequest } from '../../../src/protocol/pureftpd-extauth/request.ts';

describe('parsePipeRequest', () => {
  it('splits user and password lines', () => {
    const request = parsePipeRequest(Buffer.from('ann@example.org\ns3cret\n'));
    assert.equal(request.username, 'ann@example.org');
    assert.equal(request.password.toString(), 's3cret');
  });

  it('keeps an empty password', () => {
    const request = parsePipeRequest(Buffer.from('ann\n\n'));
    assert.equal(request.password.length, 0);
  });

  const MALFORMED: [string, RegExp][] = [
    ['ann', /lacks the newline/],
    ['ann\ns3cret', /lacks the newline/],
    ['\ns3cret\n', /empty username/],
  ];
  for (const [input, message] of MALFORMED) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parsePipeRequest(Buffer.from(input)), message);
    });
  }

  it('zeroes the input buffer', () => {
    const data = Buffer.from('ann\ns3cret\n');
    parsePipeRequest(data);
    assert.ok(data.every((byte) => byte === 0));
  });
});

describe('parsePAMPassword', () => {
  const CASES: [string, string][] = [
    ['s3cret', 's3cret'],
    ['s3cret\0', 's3cret'],
    ['\0', ''],
    ['', ''],
  ];
  for (const [input, expected] of CASES) {
    it(`reads ${JSON.stringify(input)}`, () => {
      const password = parsePAMPassword(Buffer.from(input));
      assert.equal(password.toString(), expected);
    });
  }
});

describe('parseLuaPassdbRequest', () => {
  it('reads four fields', () => {
    const request = parseLuaPassdbRequest(
      Buffer.from('bob@example.org\0pw\0imap\x00127.0.0.1\0'),
    );
    assert.equal(request.username, 'bob@example.org');
    assert.equal(request.password.toString(), 'pw');
    assert.equal(request.serviceName, 'imap');
    assert.equal(request.remoteIP, '127.0.0.1');
  });

  it('treats a non-address as none', () => {
    const request = parseLuaPassdbRequest(Buffer.from('bob\0pw\0smtp\0host\0'));
    assert.equal(request.remoteIP, null);
  });

  it('rejects three fields', () => {
    assert.throws(
      () => parseLuaPassdbRequest(Buffer.from('bob\0pw\0imap')),
      /lacks the NUL/,
    );
  });

  it('rejects an empty username', () => {
    assert.throws(
      () => parseLuaPassdbRequest(Buffer.from('\0pw\0imap\0\0')),
      /empty username/,
    );
  });
});

describe('parseDoorArguments', () => {
  it('reads --config and operands', () => {
    const parsed = parseDoorArguments('lua-bridge', [
      '--config',
      '/etc/p.toml',
      'userdb',
      '--odd-user',
    ]);
    assert.equal(parsed.configFile, '/etc/p.toml');
    assert.deepEqual(parsed.operands, ['userdb', '--odd-user']);
  });

  it('reads --service where allowed', () => {
    const parsed = parseDoorArguments('apache', ['--service=caldav'], {
      allowService: true,
    });
    assert.equal(parsed.service, 'caldav');
  });

  it('rejects --service elsewhere', () => {
    assert.throws(
      () => parseDoorArguments('pam', ['--service', 'x']),
      /unknown option --service/,
    );
  });

  it('rejects a missing value', () => {
    assert.throws(
      () => parseDoorArguments('pam', ['--config']),
      /needs a value/,
    );
  });
});

describe('formatRejectReply', () => {
  it('ends each answer with end', () => {
    assert.equal(formatRejectReply(-1), 'auth_ok:-1\nend\n');
    assert.equal(formatRejectReply(0), 'auth_ok:0\nend\n');
  });
});

describe('readPureAuthdRequest', () => {
  for (const [name, environment] of [
    ['unset', {}],
    ['empty', { AUTHD_ACCOUNT: '' }],
  ] as const) {
    it(`rejects an ${name} AUTHD_ACCOUNT`, () => {
      assert.throws(
        () => readPureAuthdRequest({ ...environment, AUTHD_PASSWORD: 'x' }),
        /AUTHD_ACCOUNT is missing or empty/,
      );
    });
  }
});
