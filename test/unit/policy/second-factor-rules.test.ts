import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { REASONS, type Reason } from '../../../src/policy/reasons.ts';
import {
  choosePublicReason,
  judgeTOTPMatch,
  type TOTPJudgement,
  type TOTPMatch,
} from '../../../src/policy/second-factor-rules.ts';

describe('judgeTOTPMatch', () => {
  const base = { currentStep: 1000, lastStep: null, windowSteps: 1 };
  const cases: [string, TOTPMatch, TOTPJudgement][] = [
    [
      'no match',
      { ...base, offsetSteps: null },
      { outcome: 'reject', reason: 'wrong-second-factor' },
    ],
    [
      'current step',
      { ...base, offsetSteps: 0 },
      { outcome: 'claim', step: 1000 },
    ],
    [
      'past window edge',
      { ...base, offsetSteps: -1 },
      { outcome: 'claim', step: 999 },
    ],
    [
      'future window edge',
      { ...base, offsetSteps: 1 },
      { outcome: 'claim', step: 1001 },
    ],
    [
      'one step before the window',
      { ...base, offsetSteps: -2 },
      { outcome: 'reject', reason: 'clock-drift', driftSteps: -2 },
    ],
    [
      'one step after the window',
      { ...base, offsetSteps: 2 },
      { outcome: 'reject', reason: 'clock-drift', driftSteps: 2 },
    ],
    [
      'wider window',
      { ...base, windowSteps: 3, offsetSteps: -3 },
      { outcome: 'claim', step: 997 },
    ],
    [
      'zero window',
      { ...base, windowSteps: 0, offsetSteps: 1 },
      { outcome: 'reject', reason: 'clock-drift', driftSteps: 1 },
    ],
    [
      'step already accepted',
      { ...base, lastStep: 1000, offsetSteps: 0 },
      { outcome: 'reject', reason: 'code-already-used' },
    ],
    [
      'step before the last accepted',
      { ...base, lastStep: 1000, offsetSteps: -1 },
      { outcome: 'reject', reason: 'code-already-used' },
    ],
    [
      'step after the last accepted',
      { ...base, lastStep: 1000, offsetSteps: 1 },
      { outcome: 'claim', step: 1001 },
    ],
    [
      'drift wins over replay',
      { ...base, lastStep: 1000, offsetSteps: -5 },
      { outcome: 'reject', reason: 'clock-drift', driftSteps: -5 },
    ],
  ];
  for (const [name, match, expected] of cases) {
    it(name, () => {
      assert.deepEqual(judgeTOTPMatch(match), expected);
    });
  }
});

describe('choosePublicReason', () => {
  const hidden: Reason[] = [
    'unknown-account',
    'account-disabled',
    'invalid-username',
    'wrong-password',
    'wrong-second-factor',
    'clock-drift',
    'app-passwords-off',
    'wrong-app-password',
  ];
  for (const reason of hidden) {
    it(`hides ${reason}`, () => {
      assert.equal(choosePublicReason(reason), 'wrong-credentials');
    });
  }

  const shown: Reason[] = [
    'account-password',
    'second-factor',
    'second-factor-required',
    'code-already-used',
    'app-password-not-for-webmail',
    'database-unavailable',
    'malformed-request',
  ];
  for (const reason of shown) {
    it(`shows ${reason}`, () => {
      assert.equal(choosePublicReason(reason), reason);
    });
  }

  it('maps every reason to a sentence', () => {
    for (const reason of Object.keys(REASONS) as Reason[]) {
      assert.ok(REASONS[choosePublicReason(reason)].length > 0, reason);
    }
  });
});
