import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  canonicalizeUsername,
  MAX_USERNAME_LENGTH,
  splitUsername,
} from '../../../src/policy/username.ts';

describe('canonicalizeUsername', () => {
  const local = 'a'.repeat(MAX_USERNAME_LENGTH - '@x.org'.length);
  const rows: [string, string, string][] = [
    ['lower case stays', 'alice@example.org', 'ok:alice@example.org'],
    ['mixed case lowered', 'Alice@Example.ORG', 'ok:alice@example.org'],
    ['no domain', 'bob', 'ok:bob'],
    ['empty', '', 'error:empty'],
    ['trailing space', 'alice@example.org ', 'error:invalid-character'],
    ['leading space', ' alice@example.org', 'error:invalid-character'],
    ['trailing tab', 'alice@example.org\t', 'error:invalid-character'],
    ['only a space', ' ', 'error:invalid-character'],
    ['inner NUL', 'ali\0ce', 'error:invalid-character'],
    ['inner newline', 'alice\n@example.org', 'error:invalid-character'],
    ['DEL character', 'alice\x7f', 'error:invalid-character'],
    ['C1 control', 'alice\u0085x', 'error:invalid-character'],
    ['line separator', 'alice\u2028x', 'error:invalid-character'],
    ['no-break space at end', 'alice\u00a0', 'error:invalid-character'],
    ['exactly the maximum', `${local}@x.org`, `ok:${local}@x.org`],
    ['one over the maximum', `${local}a@x.org`, 'error:too-long'],
    ['decomposed is composed', 'e\u0301mile', 'ok:\u00e9mile'],
    ['full-width is plain', '\uff41@example.org', 'ok:a@example.org'],
    ['Kelvin sign is k', '\u212a@example.org', 'ok:k@example.org'],
    ['zero-width space', 'a\u200b@example.org', 'error:invalid-character'],
    ['right-to-left override', '\u202ealice', 'error:invalid-character'],
    ['byte-order mark', '\ufeffalice', 'error:invalid-character'],
    ['private-use character', 'alice\ue000', 'error:invalid-character'],
    ['lone surrogate', 'alice\ud800', 'error:invalid-character'],
    ['replacement character', 'al\ufffdice', 'error:invalid-character'],
    ['breve becomes a space', '\u02d8alice', 'error:invalid-character'],
    ['Hangul filler', 'bob\u3164@example.org', 'error:invalid-character'],
    ['grapheme joiner', 'bob\u034f@example.org', 'error:invalid-character'],
    ['variation selector', 'bob\ufe0f@example.org', 'error:invalid-character'],
  ];
  for (const [name, raw, expected] of rows) {
    it(name, () => {
      const result = canonicalizeUsername(raw);
      const actual = result.ok
        ? `ok:${result.username}`
        : `error:${result.reason}`;
      assert.equal(actual, expected, name);
    });
  }
});

describe('splitUsername', () => {
  const rows: [string, string, string][] = [
    ['alice@example.org', 'alice', 'example.org'],
    ['bob', 'bob', ''],
    ['a@b@c.org', 'a@b', 'c.org'],
  ];
  for (const [username, localPart, domain] of rows) {
    it(`splits ${username}`, () => {
      assert.deepEqual(splitUsername(username), { localPart, domain });
    });
  }
});
