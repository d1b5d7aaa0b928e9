import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseImportFile } from '../../../src/cli/import-lines.ts';

const SSHA = '{SSHA}hduKWR9cgiUM3Lv8EZ56JvpfTVZpFdwf';
const SHA512 = `$6$abcdefgh$${'a'.repeat(86)}`;

function parse(text: string | Buffer) {
  return parseImportFile(Buffer.from(text));
}

describe('parseImportFile', () => {
  test('reads tab-separated lines', () => {
    const result = parse(`Alice@Example.org\t${SSHA}\n`);
    assert.deepEqual(result.entries, [
      { lineNumber: 1, username: 'alice@example.org', passwordHash: SSHA },
    ]);
    assert.deepEqual(result.problems, []);
  });

  test('reads passwd-file lines', () => {
    const result = parse(`bob:${SHA512}:5000:5000::/home/bob::\r\n`);
    assert.equal(result.entries[0]?.username, 'bob');
    assert.equal(result.entries[0]?.passwordHash, SHA512);
  });

  test('skips comments and blank lines', () => {
    const result = parse(`# export\n\n   \ncarol\t${SSHA}`);
    assert.equal(result.entries.length, 1);
    assert.equal(result.entries[0]?.lineNumber, 4);
  });

  const PROBLEMS = [
    ['unknown scheme', `dave\t{SCRAM-SHA-256}4096,abc`, /unknown-hash-scheme/],
    ['bare digest', `dave\thduKWR9cgiUM3Lv8EZ56JvpfTVZpFdwf`, /unknown/],
    ['missing hash', 'dave', /expected user<TAB>hash/],
    ['empty hash', 'dave\t', /empty/],
    ['three tab fields', `dave\t${SSHA}\textra`, /expected/],
    ['space in username', `da ve\t${SSHA}`, /invalid username/],
    ['leading dot', `.dave\t${SSHA}`, /invalid username/],
    ['two @', `a@b@c\t${SSHA}`, /invalid username/],
    ['non-ASCII hash', `dave\t$6$\u00e9bcdefgh$${'a'.repeat(86)}`, /unknown/],
  ] as const;

  for (const [name, line, reason] of PROBLEMS) {
    test(`rejects ${name}`, () => {
      const result = parse(`${line}\n`);
      assert.deepEqual(result.entries, []);
      assert.equal(result.problems[0]?.lineNumber, 1);
      assert.match(result.problems[0]?.reason ?? '', reason);
    });
  }

  test('rejects invalid UTF-8', () => {
    const line = Buffer.concat([
      Buffer.from('d\xe9ve', 'latin1'),
      Buffer.from(`\t${SSHA}`),
    ]);
    assert.match(parseImportFile(line).problems[0]?.reason ?? '', /UTF-8/);
  });

  test('rejects a repeated user', () => {
    const result = parse(`Eve\t${SSHA}\neve\t{PLAIN}other-secret\n`);
    assert.equal(result.entries.length, 1);
    assert.deepEqual(result.problems, [
      { lineNumber: 2, reason: 'same user as line 1' },
    ]);
  });

  test('never puts the hash in a reason', () => {
    const result = parse(
      'frank\t{PLAIN}\n{SSHA}zz\tx\nx\t{NOPE}secret-value\n',
    );
    for (const problem of result.problems) {
      assert.doesNotMatch(problem.reason, /secret-value|zz/);
    }
  });

  test('stores non-ASCII PLAIN as base64', () => {
    const result = parse('gina\t{PLAIN}caf\u00e9\n');
    const expected = Buffer.from('caf\u00e9').toString('base64');
    assert.equal(result.entries[0]?.passwordHash, `{PLAIN.B64}${expected}`);
  });
});
