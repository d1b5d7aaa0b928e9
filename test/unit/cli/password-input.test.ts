import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { applyPromptKeys } from '../../../src/cli/password-input.ts';

const EMPTY = { status: 'typing', answer: '' } as const;

describe('applyPromptKeys', () => {
  const cases = [
    { keys: 'abc', expected: { status: 'typing', answer: 'abc' } },
    { keys: 'abc\r', expected: { status: 'done', answer: 'abc' } },
    { keys: 'abc\n', expected: { status: 'done', answer: 'abc' } },
    { keys: 'ab\u007fc\r', expected: { status: 'done', answer: 'ac' } },
    { keys: 'ab\bc\r', expected: { status: 'done', answer: 'ac' } },
    { keys: 'abc\u0003', expected: { status: 'cancelled', answer: '' } },
    { keys: 'abc\u0004', expected: { status: 'cancelled', answer: '' } },
    { keys: '\u0004', expected: { status: 'cancelled', answer: '' } },
    { keys: 'é😀\u007f\r', expected: { status: 'done', answer: 'é' } },
  ];
  for (const { keys, expected } of cases) {
    it(`keys ${JSON.stringify(keys)}`, () => {
      assert.deepEqual(applyPromptKeys(EMPTY, keys), expected);
    });
  }

  it('keeps earlier keys across chunks', () => {
    const typing = applyPromptKeys(EMPTY, 'ab');
    assert.deepEqual(applyPromptKeys(typing, 'c\r'), {
      status: 'done',
      answer: 'abc',
    });
  });
});
