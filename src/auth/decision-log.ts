import type { LogFields, Logger } from '../log/logger.ts';
import type { Reason } from '../policy/reasons.ts';
import type { LoginDecision } from './authenticate.ts';

/** Integration mode that read a login request. */
export type Door =
  'checkpassword' | 'pure-authd' | 'pam' | 'verify' | 'apache' | 'dovecot-lua';

export interface LoginOrigin {
  door: Door;
  serviceName: string;
  remoteIP: string | null;
  rawUsername: string;
}

/**
 * Logs one decision line: user, class, address, outcome, reason, then the
 * door's own `details` (never a secret).
 */
export function logDecision(
  logger: Logger,
  event: 'login' | 'lookup',
  origin: LoginOrigin,
  decision: Pick<LoginDecision, 'outcome' | 'reason'> & Partial<LoginDecision>,
  details: LogFields = {},
): void {
  logger.info(event, {
    door: origin.door,
    outcome: decision.outcome,
    reason: decision.reason,
    user: decision.username ?? origin.rawUsername,
    service: origin.serviceName,
    class: decision.serviceClass,
    rip: origin.remoteIP ?? undefined,
    app_password_id: decision.appPasswordId,
    ...details,
    throttled_by: decision.throttledBy,
  });
}

/**
 * Logs a login that ended without a decision (tempfail, or misuse by the
 * host) to stderr and the log file.
 */
export function logFault(
  logger: Logger,
  event: 'login' | 'lookup',
  origin: LoginOrigin,
  fault: { outcome: 'tempfail' | 'misuse'; reason: Reason; error: string },
): void {
  logger.error(event, {
    door: origin.door,
    outcome: fault.outcome,
    reason: fault.reason,
    user: origin.rawUsername,
    service: origin.serviceName,
    rip: origin.remoteIP ?? undefined,
    error: fault.error,
  });
}
