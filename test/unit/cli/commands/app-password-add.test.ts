import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  parseExpiry,
  parseScope,
} from '../../../../src/cli/commands/app-password-add.ts';

const NOW = new Date('2026-12-04T12:00:00Z');

describe('parseExpiry', () => {
  const valid: [string, string][] = [
    ['2027-06-30', '2027-06-30T23:59:59.999Z'],
    ['2028-02-29', '2028-02-29T23:59:59.999Z'],
    ['2027-06-30T12:00:00Z', '2027-06-30T12:00:00.000Z'],
    ['2027-06-30T12:00+02:00', '2027-06-30T10:00:00.000Z'],
  ];
  for (const [text, expected] of valid) {
    it(`accepts ${text}`, () => {
      assert.equal(parseExpiry(text, NOW)?.toISOString(), expected);
    });
  }

  const invalid = [
    '2027-02-30',
    '2027-02-29',
    '2027-04-31',
    '2027-13-01',
    '2027-00-10',
    '2027-02-30T12:00:00Z',
    'tomorrow',
  ];
  for (const text of invalid) {
    it(`rejects ${text}`, () => {
      assert.throws(() => parseExpiry(text, NOW), /is not an ISO 8601 date/);
    });
  }
});

describe('parseScope', () => {
  it('parses classes once each', () => {
    assert.deepEqual(parseScope('imap, SMTP,imap'), ['imap', 'smtp']);
  });

  it('rejects an empty item', () => {
    assert.throws(() => parseScope('imap,,smtp'), /has an empty item/);
  });

  it('rejects a trailing comma', () => {
    assert.throws(() => parseScope('imap,'), /has an empty item/);
  });

  it('rejects only commas', () => {
    assert.throws(() => parseScope(','), /--scope is empty/);
  });
});
