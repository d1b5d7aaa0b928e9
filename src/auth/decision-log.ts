import type { Logger } from '../log/logger.ts';
import type { Reason } from '../policy/reasons.ts';
import type { LoginDecision } from './authenticate.ts';

/** Where a login came in: the integration mode that read it. */
export type Door = 'checkpassword' | 'pure-authd' | 'pam' | 'verify' | 'apache';

export interface LoginOrigin {
  door: Door;
  serviceName: string;
  remoteIP: string | null;
  rawUsername: string;
}

/** Logs one decision line: user, class, address, outcome, reason. */
export function logDecision(
  logger: Logger,
  event: 'login' | 'lookup',
  origin: LoginOrigin,
  decision: Pick<LoginDecision, 'outcome' | 'reason'> & Partial<LoginDecision>,
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
