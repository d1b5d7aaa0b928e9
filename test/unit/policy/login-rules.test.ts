import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  chooseCredential,
  explainAppPasswordMiss,
  judgeAppPassword,
  type AccountSwitches,
  type AppPasswordState,
} from '../../../src/policy/login-rules.ts';
import type { ServiceClass } from '../../../src/policy/service-class.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const PLAIN: AccountSwitches = {
  twoFactorEnabled: false,
  appPasswordsEnabled: false,
};
const APP_ON: AccountSwitches = {
  twoFactorEnabled: false,
  appPasswordsEnabled: true,
};
const TWO_FACTOR: AccountSwitches = {
  twoFactorEnabled: true,
  appPasswordsEnabled: false,
};
const BOTH: AccountSwitches = {
  twoFactorEnabled: true,
  appPasswordsEnabled: true,
};
const USABLE: AppPasswordState = {
  enabled: true,
  expiresAt: null,
  scope: null,
};

describe('chooseCredential', () => {
  const rows: [string, AccountSwitches, ServiceClass, string][] = [
    ['plain imap', PLAIN, 'imap', 'account-password'],
    ['plain pop3', PLAIN, 'pop3', 'account-password'],
    ['plain webmail', PLAIN, 'webmail', 'account-password'],
    ['app passwords on, imap', APP_ON, 'imap', 'app-password'],
    ['app passwords on, smtp', APP_ON, 'smtp', 'app-password'],
    ['app passwords on, webmail', APP_ON, 'webmail', 'account-password'],
    ['2FA on, pop3', TWO_FACTOR, 'pop3', 'app-password'],
    ['2FA on, ftp', TWO_FACTOR, 'ftp', 'app-password'],
    ['2FA on, webmail', TWO_FACTOR, 'webmail', 'account-password'],
    ['both on, dav', BOTH, 'dav', 'app-password'],
    ['both on, webmail', BOTH, 'webmail', 'account-password'],
  ];
  for (const [name, account, serviceClass, expected] of rows) {
    it(name, () => {
      assert.equal(chooseCredential(account, serviceClass), expected, name);
    });
  }
});

describe('judgeAppPassword', () => {
  type Row = [string, AccountSwitches, AppPasswordState, ServiceClass, string];
  const rows: Row[] = [
    ['usable for imap', APP_ON, USABLE, 'imap', 'accept:app-password'],
    ['usable with 2FA too', BOTH, USABLE, 'pop3', 'accept:app-password'],
    [
      'webmail never',
      APP_ON,
      USABLE,
      'webmail',
      'reject:app-password-not-for-webmail',
    ],
    ['switch off', PLAIN, USABLE, 'imap', 'reject:app-passwords-off'],
    [
      '2FA alone keeps switch off',
      TWO_FACTOR,
      USABLE,
      'imap',
      'reject:app-passwords-off',
    ],
    [
      'disabled',
      APP_ON,
      { ...USABLE, enabled: false },
      'imap',
      'reject:app-password-disabled',
    ],
    [
      'expired a second ago',
      APP_ON,
      { ...USABLE, expiresAt: new Date(NOW.getTime() - 1000) },
      'imap',
      'reject:app-password-expired',
    ],
    [
      'expires exactly now',
      APP_ON,
      { ...USABLE, expiresAt: NOW },
      'imap',
      'reject:app-password-expired',
    ],
    [
      'expires later',
      APP_ON,
      { ...USABLE, expiresAt: new Date(NOW.getTime() + 1000) },
      'imap',
      'accept:app-password',
    ],
    [
      'scope contains class',
      APP_ON,
      { ...USABLE, scope: ['imap', 'smtp'] },
      'smtp',
      'accept:app-password',
    ],
    [
      'scope lacks class',
      APP_ON,
      { ...USABLE, scope: ['imap'] },
      'pop3',
      'reject:app-password-out-of-scope',
    ],
    [
      'disabled wins over expired',
      APP_ON,
      { enabled: false, expiresAt: new Date(0), scope: ['ftp'] },
      'imap',
      'reject:app-password-disabled',
    ],
  ];
  for (const [name, account, appPassword, serviceClass, expected] of rows) {
    it(name, () => {
      const judgement = judgeAppPassword(
        account,
        appPassword,
        serviceClass,
        NOW,
      );
      assert.equal(`${judgement.outcome}:${judgement.reason}`, expected, name);
    });
  }
});

describe('explainAppPasswordMiss', () => {
  const rows: [string, AccountSwitches, boolean, string][] = [
    [
      'account password, switch on',
      APP_ON,
      true,
      'account-password-not-allowed',
    ],
    [
      'account password, 2FA on',
      TWO_FACTOR,
      true,
      'account-password-not-allowed',
    ],
    ['wrong secret, switch on', APP_ON, false, 'wrong-app-password'],
    ['wrong secret, both on', BOTH, false, 'wrong-app-password'],
    ['wrong secret, 2FA only', TWO_FACTOR, false, 'app-passwords-off'],
  ];
  for (const [name, account, matched, expected] of rows) {
    it(name, () => {
      assert.equal(explainAppPasswordMiss(account, matched), expected, name);
    });
  }
});
