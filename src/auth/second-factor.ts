import { sealSecret } from '../crypto/secret-box.ts';
import {
  listOneTimePasswordDigests,
  openWithSiteKeys,
} from '../crypto/site-key-ring.ts';
import {
  computeTOTPStep,
  decodeTOTPKey,
  findTOTPStepOffset,
  normalizeTOTPCode,
  TOTP_DRIFT_SEARCH_STEPS,
  totpKeyContext,
} from '../crypto/totp.ts';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import type { Reason } from '../policy/reasons.ts';
import { judgeTOTPMatch } from '../policy/second-factor-rules.ts';
import { claimTOTPStep, type Account } from '../storage/accounts.ts';
import {
  consumeOneTimePassword,
  isOneTimePasswordUsed,
} from '../storage/one-time-passwords.ts';
import { replaceSealedTOTPKey } from '../storage/site-key-usage.ts';
import type { AuthContext } from './authenticate.ts';

export type SecondFactor = 'totp' | 'one-time-password';

export interface SecondFactorDecision {
  outcome: 'accept' | 'reject';
  reason: Reason;
  /** The kind of code that was typed, when it had the form of one. */
  factor?: SecondFactor;
  /** Steps between the device clock and ours, for a clock-drift reject. */
  driftSteps?: number;
}

/**
 * Checks the second factor of an account whose password already matched.
 * Six digits (spaces and hyphens allowed) are a TOTP code; twelve base32
 * symbols are a one-time password. A code is spent only when it is valid,
 * and an empty code spends nothing.
 */
export async function checkSecondFactor(
  context: AuthContext,
  account: Account,
  typedCode: string,
): Promise<SecondFactorDecision> {
  if (typedCode.trim().length === 0) {
    return { outcome: 'reject', reason: 'second-factor-required' };
  }

  const totpCode = normalizeTOTPCode(typedCode);
  if (totpCode !== null) return checkTOTPCode(context, account, totpCode);

  const digests = listOneTimePasswordDigests(context.siteKeys, typedCode);
  if (digests.length > 0) {
    return checkOneTimePassword(
      context,
      account,
      digests.map((entry) => entry.digest),
    );
  }

  return { outcome: 'reject', reason: 'wrong-second-factor' };
}

async function checkTOTPCode(
  context: AuthContext,
  account: Account,
  code: string,
): Promise<SecondFactorDecision> {
  const factor = 'totp';
  if (account.totpKeySealed === null) {
    return { outcome: 'reject', reason: 'wrong-second-factor', factor };
  }

  const key = await openTOTPKey(context, account);
  const now = context.now?.() ?? new Date();
  const currentStep = computeTOTPStep(now.getTime() / 1000);
  const windowSteps = context.config.totp.windowSteps;
  const offsetSteps = findTOTPStepOffset(
    key,
    code,
    currentStep,
    windowSteps + TOTP_DRIFT_SEARCH_STEPS,
  );
  key.fill(0);

  const judgement = judgeTOTPMatch({
    offsetSteps,
    currentStep,
    lastStep: account.totpLastStep,
    windowSteps,
  });
  if (judgement.outcome === 'reject') return { ...judgement, factor };

  // The conditional update decides between parallel logins with one code.
  const claimed = await claimTOTPStep(
    context.database,
    account.id,
    judgement.step,
  );
  return claimed
    ? { outcome: 'accept', reason: 'second-factor', factor }
    : { outcome: 'reject', reason: 'code-already-used', factor };
}

// Tries the digest under each site key, the current one first, because a
// list generated before a key rotation is stored under the old key.
async function checkOneTimePassword(
  context: AuthContext,
  account: Account,
  digests: Buffer[],
): Promise<SecondFactorDecision> {
  const factor = 'one-time-password';
  const { database } = context;
  for (const digest of digests) {
    if (await consumeOneTimePassword(database, account.id, digest)) {
      return { outcome: 'accept', reason: 'second-factor', factor };
    }
  }

  for (const digest of digests) {
    if (await isOneTimePasswordUsed(database, account.id, digest)) {
      return { outcome: 'reject', reason: 'code-already-used', factor };
    }
  }
  return { outcome: 'reject', reason: 'wrong-second-factor', factor };
}

// A key that no site key decrypts means the site key changed or the row
// was copied: no code can be checked, so the login fails as a temporary
// fault for the operator to fix, never as an accept. A key sealed under an
// old site key is sealed again under the current one, with a
// compare-and-swap that leaves the last accepted step alone.
async function openTOTPKey(
  context: AuthContext,
  account: Account,
): Promise<Buffer> {
  const sealed = account.totpKeySealed ?? Buffer.alloc(0);
  const sealContext = totpKeyContext(account.id);
  const opened = openWithSiteKeys(context.siteKeys, sealed, sealContext);
  if (opened !== null && !opened.isCurrent) {
    const resealed = sealSecret(
      context.siteKeys.totp,
      opened.plaintext,
      sealContext,
    );
    await replaceSealedTOTPKey(context.database, account.id, sealed, resealed);
  }
  const text = opened?.plaintext ?? null;
  if (text === null) {
    throw new PassgateError(
      ERROR_CODES.SITE_KEY_INVALID,
      `the TOTP key of ${account.username} does not decrypt with this ` +
        'site key; restore the site key or give the account a new key',
    );
  }
  const key = decodeTOTPKey(text.toString('utf8'));
  text.fill(0);
  return key;
}
