import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Reason } from '../../../src/policy/reasons.ts';
import {
  countsAsFailedGuess,
  judgeThrottle,
  throttleAddressKey,
} from '../../../src/policy/throttle-rules.ts';

describe('countsAsFailedGuess', () => {
  const rows: [Reason, number | undefined, boolean][] = [
    ['wrong-password', undefined, true],
    ['wrong-app-password', undefined, true],
    ['unknown-account', undefined, true],
    ['account-disabled', undefined, true],
    ['invalid-username', undefined, true],
    ['app-passwords-off', undefined, true],
    ['app-passwords-off', 7, false],
    ['account-password-not-allowed', undefined, false],
    ['app-password-disabled', 7, false],
    ['app-password-expired', 7, false],
    ['app-password-out-of-scope', 7, false],
    ['app-password-not-for-webmail', undefined, false],
    ['unknown-service', undefined, false],
    ['throttled', undefined, false],
    ['wrong-second-factor', undefined, true],
    ['clock-drift', undefined, true],
    ['second-factor-required', undefined, false],
    ['code-already-used', undefined, false],
  ];

  for (const [reason, appPasswordId, expected] of rows) {
    it(`${reason} app password ${appPasswordId ?? 'none'}`, () => {
      const decision = { outcome: 'reject' as const, reason, appPasswordId };
      assert.equal(countsAsFailedGuess(decision), expected);
    });
  }

  it('never counts an accepted login', () => {
    const decision = { outcome: 'accept' as const, reason: 'app-password' };
    assert.equal(countsAsFailedGuess(decision as never), false);
  });
});

describe('judgeThrottle', () => {
  const limits = { addressFailures: 3, accountFailures: 5 };
  const rows: [number, number, string | null][] = [
    [0, 0, null],
    [2, 4, null],
    [3, 0, 'address'],
    [0, 5, 'account'],
    [3, 5, 'address'],
  ];

  for (const [address, account, expected] of rows) {
    it(`address ${address} account ${account}`, () => {
      assert.equal(judgeThrottle({ address, account }, limits), expected);
    });
  }
});

describe('throttleAddressKey', () => {
  const rows: [string | null, string | null][] = [
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2::10', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b:1:2:3:4:192.0.2.1', '64:ff9b:1:2::/64'],
    ['not an address', null],
    ['', null],
    [null, null],
  ];

  for (const [input, expected] of rows) {
    it(`key of ${JSON.stringify(input)}`, () => {
      assert.equal(throttleAddressKey(input), expected);
    });
  }
});
