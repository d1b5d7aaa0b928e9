import type { Config } from '../config/config.ts';
import { hashPassword } from '../crypto/password-hash.ts';
import type { SiteKeys } from '../crypto/site-key.ts';
import { classifyLogin } from '../policy/classify.ts';
import {
  chooseCredential,
  explainAppPasswordMiss,
  judgeAppPassword,
} from '../policy/login-rules.ts';
import type { Reason } from '../policy/reasons.ts';
import type { ServiceClass } from '../policy/service-class.ts';
import { canonicalizeUsername } from '../policy/username.ts';
import {
  findAccount,
  updatePasswordHash,
  type Account,
} from '../storage/accounts.ts';
import { recordAppPasswordUse } from '../storage/app-passwords.ts';
import type { Database } from '../storage/database.ts';
import { checkAccountPassword as checkStoredPassword } from './account-password.ts';
import { findAppPasswordWithSiteKeys } from './app-password-lookup.ts';
import { runDummyPasswordCheck } from './dummy-check.ts';
import { guardLogin } from './login-guard.ts';
import { passwordBytes } from './password-bytes.ts';

export interface AuthContext {
  config: Config;
  siteKeys: SiteKeys;
  database: Database;
  now?: () => Date;
}

export interface LoginRequest {
  /** The username as the host sent it, before canonicalisation. */
  rawUsername: string;
  secret: Buffer;
  serviceName: string;
  remoteIP: string | null;
  /**
   * True when remoteIP is the end user's own address even for a webmail
   * login, as `verify --remote-ip` passes it, so failures count per address.
   */
  remoteIPIsEndUser?: boolean;
}

export interface LoginDecision {
  outcome: 'accept' | 'reject';
  reason: Reason;
  username?: string;
  serviceClass?: ServiceClass;
  account?: Account;
  appPasswordId?: number;
  /** The failure limit that rejected a `throttled` login. */
  throttledBy?: 'account' | 'address';
}

/**
 * Decides one login under the failure limits and the app-password rules,
 * and records it in the login history. A wrong secret is a reject value;
 * only a broken environment (database, config) throws.
 */
export async function authenticate(
  context: AuthContext,
  request: LoginRequest,
): Promise<LoginDecision> {
  return guardLogin(context, request, decideLogin);
}

/**
 * Decides one login without the failure limits or the login history, for
 * a caller that adds a step and then records the final decision through
 * guardLogin. An unknown account, a disabled account, a wrong password and
 * a wrong app password cost the same: one account lookup, one app-password
 * lookup and one argon2id verification, so the time does not reveal which
 * it was.
 */
export async function decideLogin(
  context: AuthContext,
  request: LoginRequest,
): Promise<LoginDecision> {
  const { config, database } = context;
  const canonical = canonicalizeUsername(request.rawUsername);
  if (!canonical.ok)
    return rejectAfterDummyHash(context, request, 'invalid-username');
  const username = canonical.username;

  const serviceClass = classifyLogin(
    request.serviceName,
    request.remoteIP,
    config.services,
    config.webmail.blockList,
  );
  if (serviceClass === null) {
    return rejectAfterDummyHash(context, request, 'unknown-service', username);
  }

  const account = await findAccount(database, username);
  if (account === null || !account.enabled) {
    return rejectUnusableAccount(
      context,
      request,
      account,
      username,
      serviceClass,
    );
  }

  const check =
    chooseCredential(account, serviceClass) === 'account-password'
      ? checkAccountPassword
      : checkAppPassword;
  const judgement = await check(context, request, account, serviceClass);
  return { username, serviceClass, account, ...judgement };
}

async function checkAccountPassword(
  context: AuthContext,
  request: LoginRequest,
  account: Account,
  serviceClass: ServiceClass,
): Promise<Omit<LoginDecision, 'username' | 'serviceClass' | 'account'>> {
  const check = await checkStoredPassword(
    request.secret,
    account.passwordHash,
    context.config.argon2,
  );
  if (check.outcome === 'unknown-scheme') {
    return { outcome: 'reject', reason: 'unknown-hash-scheme' };
  }
  if (check.outcome === 'match') {
    if (check.needsUpgrade) await upgradeHash(context, account, request.secret);
    return { outcome: 'accept', reason: 'account-password' };
  }

  // Tell an operator why a webmail login failed when an app password was
  // typed, because users try exactly that. The lookup runs for every class
  // so that a wrong password costs the same as a wrong app password.
  const appPassword = await findMatchingAppPassword(
    context,
    request,
    account.id,
  );
  if (serviceClass === 'webmail' && appPassword !== null) {
    return { outcome: 'reject', reason: 'app-password-not-for-webmail' };
  }
  return { outcome: 'reject', reason: 'wrong-password' };
}

async function checkAppPassword(
  context: AuthContext,
  request: LoginRequest,
  account: Account,
  serviceClass: ServiceClass,
): Promise<Omit<LoginDecision, 'username' | 'serviceClass' | 'account'>> {
  const appPassword = await findMatchingAppPassword(
    context,
    request,
    account.id,
  );
  if (appPassword === null) {
    const check = await checkStoredPassword(
      request.secret,
      account.passwordHash,
      context.config.argon2,
    );
    const matched = check.outcome === 'match';
    return {
      outcome: 'reject',
      reason: explainAppPasswordMiss(account, matched),
    };
  }

  const now = context.now?.() ?? new Date();
  const judgement = judgeAppPassword(account, appPassword, serviceClass, now);
  if (judgement.outcome === 'accept') {
    await recordAppPasswordUse(
      context.database,
      appPassword.id,
      request.serviceName,
      request.remoteIP,
    );
  }
  return { ...judgement, appPasswordId: appPassword.id };
}

async function findMatchingAppPassword(
  context: AuthContext,
  request: LoginRequest,
  accountId: number,
) {
  return findAppPasswordWithSiteKeys(
    context.database,
    context.siteKeys,
    accountId,
    request.secret.toString('utf8'),
  );
}

// Rehashes the NFC form with argon2id and the current costs after a
// successful login, also for legacy schemes. The update is a
// compare-and-swap on the old value, so a password changed meanwhile stays.
async function upgradeHash(
  context: AuthContext,
  account: Account,
  secret: Buffer,
): Promise<void> {
  const hash = await hashPassword(passwordBytes(secret), context.config.argon2);
  await updatePasswordHash(
    context.database,
    account.id,
    hash,
    account.passwordHash,
  );
}

async function rejectUnusableAccount(
  context: AuthContext,
  request: LoginRequest,
  account: Account | null,
  username: string,
  serviceClass: ServiceClass,
): Promise<LoginDecision> {
  const reason = account === null ? 'unknown-account' : 'account-disabled';
  await findMatchingAppPassword(context, request, account?.id ?? 0);
  return rejectAfterDummyHash(context, request, reason, username, serviceClass);
}

async function rejectAfterDummyHash(
  context: AuthContext,
  request: LoginRequest,
  reason: Reason,
  username?: string,
  serviceClass?: ServiceClass,
): Promise<LoginDecision> {
  await runDummyPasswordCheck(
    passwordBytes(request.secret),
    context.config.argon2,
  );
  return { outcome: 'reject', reason, username, serviceClass };
}
