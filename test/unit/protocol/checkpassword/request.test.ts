import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isPassgateError } from '../../../../src/errors/index.ts';
import {
  MAX_REQUEST_BYTES,
  parseCheckpasswordRequest,
} from '../../../../src/protocol/checkpassword/request.ts';

/** Builds `user\0password\0\0` padded with password bytes to `total`. */
function buildRequestOfLength(total: number): Buffer {
  const user = 'alice@example.org';
  const passwordLength = total - user.length - 3;
  return Buffer.from(`${user}\0${'p'.repeat(passwordLength)}\0\0`);
}

type Expected = { username: string; password: string } | { error: RegExp };

describe('parseCheckpasswordRequest', () => {
  const rows: [string, Buffer, Expected][] = [
    [
      'user, password, timestamp',
      Buffer.from('alice@example.org\0secret\0\0'),
      { username: 'alice@example.org', password: 'secret' },
    ],
    [
      'timestamp field set',
      Buffer.from('bob\0pw\x001700000000\0'),
      { username: 'bob', password: 'pw' },
    ],
    [
      'no trailing timestamp NUL',
      Buffer.from('bob\0pw\0'),
      { username: 'bob', password: 'pw' },
    ],
    [
      'empty password',
      Buffer.from('alice@example.org\0\0\0'),
      { username: 'alice@example.org', password: '' },
    ],
    [
      'username kept raw',
      Buffer.from('Alice@Example.org \0pw\0\0'),
      { username: 'Alice@Example.org ', password: 'pw' },
    ],
    [
      'UTF-8 password bytes',
      Buffer.from('bob\0p\u00e4ss\0\0'),
      { username: 'bob', password: 'p\u00e4ss' },
    ],
    [
      'exactly 512 bytes',
      buildRequestOfLength(MAX_REQUEST_BYTES),
      { username: 'alice@example.org', password: 'p'.repeat(492) },
    ],
    ['513 bytes', buildRequestOfLength(513), { error: /513 bytes.*512/ }],
    ['no NUL at all', Buffer.from('alice secret'), { error: /lacks the NUL/ }],
    ['one NUL only', Buffer.from('alice\0secret'), { error: /lacks the NUL/ }],
    ['empty input', Buffer.alloc(0), { error: /lacks the NUL/ }],
    [
      'empty username',
      Buffer.from('\0secret\0\0'),
      { error: /empty username/ },
    ],
  ];
  for (const [name, data, expected] of rows) {
    it(name, () => {
      if ('error' in expected) {
        assert.throws(
          () => parseCheckpasswordRequest(data),
          (error: unknown) =>
            isPassgateError(error) &&
            error.code === 'REQUEST_MALFORMED' &&
            expected.error.test(error.message),
          name,
        );
        return;
      }
      const request = parseCheckpasswordRequest(data);
      assert.equal(request.username, expected.username, name);
      assert.equal(request.password.toString('utf8'), expected.password, name);
    });
  }

  it('wipes the input buffer', () => {
    const data = Buffer.from('alice\0secret\0\0');
    const request = parseCheckpasswordRequest(data);

    assert.equal(request.password.toString(), 'secret');
    assert.ok(data.every((byte) => byte === 0));
  });
});
