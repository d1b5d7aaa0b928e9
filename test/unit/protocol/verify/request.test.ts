import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  MAX_VERIFY_REQUEST_BYTES,
  parseVerifyRequest,
} from '../../../../src/protocol/verify/request.ts';

describe('parseVerifyRequest', () => {
  const accepted: [string, string, string, string, string][] = [
    [
      'all three fields',
      'alice\0secret\x00123456\0',
      'alice',
      'secret',
      '123456',
    ],
    ['empty code', 'alice\0secret\0\0', 'alice', 'secret', ''],
    [
      'code without its NUL',
      'alice\0secret\x00123 456',
      'alice',
      'secret',
      '123 456',
    ],
    ['no code field', 'alice\0secret\0', 'alice', 'secret', ''],
    ['empty password', 'alice\0\x00123456\0', 'alice', '', '123456'],
  ];
  for (const [name, data, username, password, code] of accepted) {
    it(`parses ${name}`, () => {
      const request = parseVerifyRequest(Buffer.from(data, 'utf8'));
      assert.equal(request.username, username);
      assert.equal(request.password.toString('utf8'), password);
      assert.equal(request.code, code);
    });
  }

  const rejected: [string, Buffer, RegExp][] = [
    ['no NUL at all', Buffer.from('alice'), /lacks the NUL/],
    [
      'no NUL after the password',
      Buffer.from('alice\0secret'),
      /lacks the NUL/,
    ],
    ['an empty username', Buffer.from('\0secret\0\0'), /empty username/],
    [
      'data after the code',
      Buffer.from('alice\0secret\x00123456\0\n'),
      /data after/,
    ],
    [
      'more than the limit',
      Buffer.alloc(MAX_VERIFY_REQUEST_BYTES + 1, 'a'),
      /the limit is 1024/,
    ],
  ];
  for (const [name, data, message] of rejected) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseVerifyRequest(data), {
        code: 'REQUEST_MALFORMED',
        message,
      });
    });
  }

  it('accepts exactly the limit', () => {
    const data = Buffer.alloc(MAX_VERIFY_REQUEST_BYTES, 'a');
    data[5] = 0;
    data[MAX_VERIFY_REQUEST_BYTES - 1] = 0;
    const request = parseVerifyRequest(data);
    assert.equal(request.username, 'aaaaa');
  });

  it('wipes the input buffer', () => {
    const data = Buffer.from('alice\0secret\x00123456\0');
    parseVerifyRequest(data);
    assert.ok(data.every((byte) => byte === 0));
  });
});
