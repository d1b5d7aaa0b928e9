import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ERROR_CODES,
  PassgateError,
  type ErrorCode,
} from '../../../src/errors/index.ts';
import { EXIT, exitStatusForError } from '../../../src/protocol/exit-codes.ts';

describe('EXIT', () => {
  it('matches the checkpassword convention', () => {
    assert.deepEqual(EXIT, {
      OK: 0,
      REJECT: 1,
      MISUSE: 2,
      UNKNOWN_USER: 3,
      TEMPFAIL: 111,
    });
  });
});

describe('exitStatusForError', () => {
  const rows: [ErrorCode, number][] = [
    ['CONFIG_UNREADABLE', 111],
    ['CONFIG_INVALID', 111],
    ['SITE_KEY_INVALID', 111],
    ['DATABASE_UNAVAILABLE', 111],
    ['DATABASE_FAILED', 111],
    ['SCHEMA_OUTDATED', 111],
    ['USAGE', 2],
    ['REQUEST_MALFORMED', 2],
    ['INVALID_ARGUMENT', 2],
    ['NOT_FOUND', 1],
    ['ALREADY_EXISTS', 1],
    ['PRECONDITION_FAILED', 1],
    ['DEADLINE_EXCEEDED', 111],
    ['REPLY_FAILED', 111],
    ['CACHE_FLUSH_FAILED', 111],
  ];
  for (const [code, status] of rows) {
    it(`maps ${code} to ${status}`, () => {
      const error = new PassgateError(code, 'test');
      assert.equal(exitStatusForError(error), status, code);
    });
  }

  it('covers every error code', () => {
    const tested = rows.map(([code]) => code).sort();
    assert.deepEqual(tested, Object.values(ERROR_CODES).sort());
  });

  it('maps unknown errors to 111', () => {
    assert.equal(exitStatusForError(new TypeError('bug')), 111);
    assert.equal(exitStatusForError('thrown string'), 111);
    assert.equal(exitStatusForError(undefined), 111);
  });

  it('never maps an error to 0', () => {
    for (const code of Object.values(ERROR_CODES)) {
      const error = new PassgateError(code, 'test');
      assert.notEqual(exitStatusForError(error), EXIT.OK, code);
    }
  });
});
