import type { Config } from '../config/config.ts';
import type { Database } from '../storage/database.ts';
import { countRecentFailures } from '../storage/login-events.ts';

/** The account limit as `user show` reports it. */
export interface AccountThrottleStatus {
  throttled: boolean;
  recentFailures: number;
  limit: number;
  windowSeconds: number;
}

export async function readAccountThrottle(
  database: Database,
  config: Config,
  username: string,
): Promise<AccountThrottleStatus> {
  const { accountFailures, windowSeconds } = config.throttle;
  const counts = await countRecentFailures(
    database,
    { username, addressKey: null },
    windowSeconds,
  );
  return {
    throttled: counts.account >= accountFailures,
    recentFailures: counts.account,
    limit: accountFailures,
    windowSeconds,
  };
}

/** Describes the status in one line, e.g. "yes (50 of 50 failed ...)". */
export function formatAccountThrottle(status: AccountThrottleStatus): string {
  const verdict = status.throttled
    ? 'yes, logins are refused; "passgate unthrottle" clears it'
    : 'no';
  return (
    `${verdict} (${status.recentFailures} of ${status.limit} failed ` +
    `logins in the last ${status.windowSeconds} s)`
  );
}
