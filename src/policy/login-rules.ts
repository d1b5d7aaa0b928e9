import type { ProtocolClass, ServiceClass } from './service-class.ts';
import type { Reason } from './reasons.ts';

/** The account state that decides which secret a login may use. */
export interface AccountSwitches {
  twoFactorEnabled: boolean;
  appPasswordsEnabled: boolean;
}

/** The app password state that decides whether it may log in. */
export interface AppPasswordState {
  enabled: boolean;
  expiresAt: Date | null;
  scope: readonly ProtocolClass[] | null;
}

export type Judgement = { outcome: 'accept' | 'reject'; reason: Reason };

/**
 * Picks the one kind of secret a login of this class may use. Webmail uses
 * the account password; a protocol class uses an app password while 2FA or
 * app passwords are on, else the account password.
 */
export function chooseCredential(
  account: AccountSwitches,
  serviceClass: ServiceClass,
): 'account-password' | 'app-password' {
  if (serviceClass === 'webmail') return 'account-password';
  if (account.twoFactorEnabled || account.appPasswordsEnabled) {
    return 'app-password';
  }
  return 'account-password';
}

/**
 * Judges a matching app password: it logs in only while app passwords are
 * on for the account, it is enabled, not expired, and its scope contains
 * the class. Webmail never accepts one.
 */
export function judgeAppPassword(
  account: AccountSwitches,
  appPassword: AppPasswordState,
  serviceClass: ServiceClass,
  now: Date,
): Judgement {
  if (serviceClass === 'webmail') {
    return reject('app-password-not-for-webmail');
  }
  if (!account.appPasswordsEnabled) return reject('app-passwords-off');
  if (!appPassword.enabled) return reject('app-password-disabled');
  if (appPassword.expiresAt !== null && appPassword.expiresAt <= now) {
    return reject('app-password-expired');
  }
  if (appPassword.scope !== null && !appPassword.scope.includes(serviceClass)) {
    return reject('app-password-out-of-scope');
  }
  return { outcome: 'accept', reason: 'app-password' };
}

/**
 * Names the reason for a protocol login that matched no usable app
 * password: the account password typed where only app passwords work, or a
 * plain wrong secret.
 */
export function explainAppPasswordMiss(
  account: AccountSwitches,
  accountPasswordMatched: boolean,
): Reason {
  if (accountPasswordMatched) return 'account-password-not-allowed';
  if (!account.appPasswordsEnabled) return 'app-passwords-off';
  return 'wrong-app-password';
}

function reject(reason: Reason): Judgement {
  return { outcome: 'reject', reason };
}
