import { classifyLogin, isWebmailAddress } from '../policy/classify.ts';
import {
  countsAsFailedGuess,
  judgeThrottle,
  throttleAddressKey,
} from '../policy/throttle-rules.ts';
import type { ServiceClass } from '../policy/service-class.ts';
import { canonicalizeUsername } from '../policy/username.ts';
import {
  countRecentFailures,
  insertLoginEvent,
} from '../storage/login-events.ts';
import type {
  AuthContext,
  LoginDecision,
  LoginRequest,
} from './authenticate.ts';

type DecideLogin<Request extends LoginRequest, Decision> = (
  context: AuthContext,
  request: Request,
) => Promise<Decision>;

interface ThrottleKeys {
  username: string | null;
  addressKey: string | null;
  serviceClass: ServiceClass | null;
}

/**
 * Wraps the whole decision of every door, the second factor of `verify`
 * included. It rejects a login over a failure limit without checking its
 * secret or code, and records each final decision as one login event,
 * which is also what the limits count. A fault (database down) throws and
 * records nothing, so it never counts.
 */
export async function guardLogin<
  Request extends LoginRequest,
  Decision extends LoginDecision,
>(
  context: AuthContext,
  request: Request,
  decide: DecideLogin<Request, Decision>,
): Promise<Decision | LoginDecision> {
  const { config, database } = context;
  const keys = findThrottleKeys(context, request);

  const counts = await countRecentFailures(
    database,
    keys,
    config.throttle.windowSeconds,
  );
  // NOTE: the count and the insert below are not one transaction, so
  // logins running in parallel may pass the limit by how many are in flight.
  const throttledBy = judgeThrottle(counts, config.throttle);

  const decision =
    throttledBy === null
      ? await decide(context, request)
      : rejectThrottled(keys, throttledBy);

  await insertLoginEvent(
    database,
    {
      username: decision.username ?? keys.username,
      remoteIP: request.remoteIP,
      addressKey: keys.addressKey,
      service: request.serviceName,
      serviceClass: decision.serviceClass ?? null,
      outcome: decision.outcome,
      reason: decision.reason,
      appPasswordId: decision.appPasswordId ?? null,
      failedGuess: countsAsFailedGuess(decision),
      throttledBy: decision.throttledBy ?? null,
    },
    config.history.keepDays,
  );
  return decision;
}

// Webmail logins usually come from the webmail server's address, so only
// the account limit applies to them. Counting that address would let one
// attacker behind the webmail lock out every webmail user. `verify`
// receives the browser's address instead, so its logins count per address
// unless that address is inside the webmail networks.
function findThrottleKeys(
  context: AuthContext,
  request: LoginRequest,
): ThrottleKeys {
  const canonical = canonicalizeUsername(request.rawUsername);
  const { services, webmail } = context.config;
  const serviceClass = classifyLogin(
    request.serviceName,
    request.remoteIP,
    services,
    webmail.blockList,
  );
  const fromWebmailServer =
    isWebmailAddress(request.remoteIP, webmail.blockList) ||
    (serviceClass === 'webmail' && request.remoteIPIsEndUser !== true);
  return {
    username: canonical.ok ? canonical.username : null,
    addressKey: fromWebmailServer ? null : throttleAddressKey(request.remoteIP),
    serviceClass,
  };
}

// A throttled login runs no hash, so a flood of them leaves the CPU to the
// other logins. The client sees the same failure as for a wrong secret.
function rejectThrottled(
  keys: ThrottleKeys,
  throttledBy: 'account' | 'address',
): LoginDecision {
  return {
    outcome: 'reject',
    reason: 'throttled',
    throttledBy,
    username: keys.username ?? undefined,
    serviceClass: keys.serviceClass ?? undefined,
  };
}
