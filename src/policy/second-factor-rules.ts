import type { Reason } from './reasons.ts';

/** Match position of a TOTP code, and the account's replay state. */
export interface TOTPMatch {
  /** Offset of the matching step from the current one; null: no match. */
  offsetSteps: number | null;
  /** Step of the current time (RFC 6238 T). */
  currentStep: number;
  /** Last step accepted for the account; null when none was. */
  lastStep: number | null;
  /** Steps accepted before and after the current one. */
  windowSteps: number;
}

export type TOTPJudgement =
  | { outcome: 'claim'; step: number }
  | { outcome: 'reject'; reason: Reason; driftSteps?: number };

/**
 * Judges a TOTP code from where it matched. A code inside the window is
 * claimed unless its step is not later than the last accepted one, so a
 * code works at most once and never after a later code (RFC 6238 section
 * 5.2). A code that matched only outside the window is clock drift: it is
 * refused, and the offset goes to the log.
 */
export function judgeTOTPMatch(match: TOTPMatch): TOTPJudgement {
  const { offsetSteps, currentStep, lastStep, windowSteps } = match;
  if (offsetSteps === null) {
    return { outcome: 'reject', reason: 'wrong-second-factor' };
  }

  if (Math.abs(offsetSteps) > windowSteps) {
    return {
      outcome: 'reject',
      reason: 'clock-drift',
      driftSteps: offsetSteps,
    };
  }

  const step = currentStep + offsetSteps;
  if (lastStep !== null && step <= lastStep) {
    return { outcome: 'reject', reason: 'code-already-used' };
  }
  return { outcome: 'claim', step };
}

// Reasons that `verify` may show to the user of a login page. Each one
// either needs no secret to learn (faults, an unmapped service) or tells
// only what the caller's own secret already proves: the account password
// was right (second factor required, code already used), or the secret is
// a working app password. Any other reason, including reasons added later,
// is shown as wrong-credentials.
const SHOWN_REASONS: ReadonlySet<Reason> = new Set<Reason>([
  'account-password',
  'app-password',
  'second-factor',
  'second-factor-required',
  'code-already-used',
  'app-password-not-for-webmail',
  'account-password-not-allowed',
  'app-password-disabled',
  'app-password-expired',
  'app-password-out-of-scope',
  'unknown-service',
  'database-unavailable',
  'config-error',
  'deadline-exceeded',
  'internal-error',
  'malformed-request',
]);

/**
 * Picks the reason that `verify` shows for a logged reason. A missing
 * account, a disabled one, a wrong password, a wrong code and a code from
 * a drifting clock all show as wrong-credentials, so a caller without the
 * account password cannot tell them apart or learn whether 2FA is on.
 */
export function choosePublicReason(reason: Reason): Reason {
  return SHOWN_REASONS.has(reason) ? reason : 'wrong-credentials';
}
