import { isIP } from 'node:net';
import type { Reason } from './reasons.ts';

/** Failed logins counted inside the current window. */
export interface FailureCounts {
  account: number;
  address: number;
}

export interface ThrottleLimits {
  addressFailures: number;
  accountFailures: number;
}

export type ThrottleScope = 'account' | 'address';

// Rejections where the secret or the second factor matched nothing, so the
// login may be a guess. Unknown and disabled accounts count like a wrong
// password, because a difference would tell an attacker which usernames
// exist. A code from outside the TOTP window counts like a wrong code,
// because it is not valid now and a guess can land there too.
const GUESS_REASONS: ReadonlySet<Reason> = new Set<Reason>([
  'invalid-username',
  'unknown-account',
  'account-disabled',
  'wrong-password',
  'wrong-app-password',
  'wrong-second-factor',
  'clock-drift',
]);

/**
 * Tells whether a decision counts as a failed guess. A secret that matched
 * but is rejected here does not count, such as the account password on
 * IMAP under 2FA or a disabled app password. It comes from a stale client,
 * and counting it would lock the user out of their working app passwords.
 * The reply to the client is the same either way.
 *
 * The right account password with an empty code (`second-factor-required`)
 * does not count either: it guesses no code, and login pages that ask for
 * the code only after a first submit send it on every login. A reused code
 * (`code-already-used`) comes from a double submit and does not count.
 * Every typed code that is wrong counts, so codes cannot be probed freely.
 */
export function countsAsFailedGuess(decision: {
  outcome: 'accept' | 'reject';
  reason: Reason;
  appPasswordId?: number;
}): boolean {
  if (decision.outcome !== 'reject') return false;
  if (GUESS_REASONS.has(decision.reason)) return true;
  return (
    decision.reason === 'app-passwords-off' &&
    decision.appPasswordId === undefined
  );
}

/**
 * Names the limit a login is over, or null. The address limit is checked
 * first because it is the tighter one and names the attacker, not the user.
 */
export function judgeThrottle(
  counts: FailureCounts,
  limits: ThrottleLimits,
): ThrottleScope | null {
  if (counts.address >= limits.addressFailures) return 'address';
  if (counts.account >= limits.accountFailures) return 'account';
  return null;
}

/**
 * Returns the key under which failures of a remote address are counted.
 * An IPv4 address counts as it is, and an IPv4-mapped IPv6 address as its
 * IPv4 address. An IPv6 address counts as its /64 prefix, because one
 * customer network usually gets a whole /64. Null for a missing or
 * unparsable address.
 */
export function throttleAddressKey(remoteIP: string | null): string | null {
  if (remoteIP === null) return null;
  const address = remoteIP.split('%')[0] ?? '';
  const family = isIP(address);
  if (family === 4) return address;
  if (family !== 6) return null;

  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  const groups = expandIPv6(address);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

// Expands an address that isIP() accepted into eight lowercase groups
// without leading zeros. A trailing dotted IPv4 part stands for two groups.
function expandIPv6(address: string): string[] {
  const toGroups = (part: string) =>
    part === ''
      ? []
      : part
          .split(':')
          .flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const [head = '', tail] = address.split('::');
  const headGroups = toGroups(head);
  const tailGroups = tail === undefined ? [] : toGroups(tail);
  const zeros = Array(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) =>
    Number.parseInt(group, 16).toString(16),
  );
}
