import type { Config } from '../config/config.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { Logger } from '../log/logger.ts';
import type { Reason } from '../policy/reasons.ts';
import { authenticate, type LoginDecision } from './authenticate.ts';
import { Deadline } from './deadline.ts';
import { logDecision, logFault, type LoginOrigin } from './decision-log.ts';
import {
  describeError,
  loadLoginEnvironment,
  reasonForError,
  withDatabase,
  type LoginEnvironment,
} from './login-environment.ts';

/** One login as a door (pure-authd, pam, apache, lua-bridge) received it. */
export interface DoorLoginRequest {
  origin: LoginOrigin;
  configFile: string;
  secret: Buffer;
}

export interface DoorLoginOptions {
  /** Deadline in seconds once the config is read; else deadline_seconds. */
  deadlineSeconds?: (config: Config) => number;
  /** Service name once the config is read, for hosts that send none. */
  serviceName?: (config: Config) => string;
  /**
   * Runs when the deadline passes, just before the process exits 111, so
   * a door can still write its refusal (pure-authd reads stdout only).
   */
  onDeadline?: () => void;
}

export type DoorLoginResult =
  | {
      outcome: 'accept' | 'reject';
      decision: LoginDecision;
      environment: LoginEnvironment;
    }
  | { outcome: 'tempfail'; reason: Reason };

/**
 * Decides one login for a door under the hard deadline: loads the config
 * and site key, runs authenticate() and logs the decision or the fault in
 * the same format as checkpassword mode. Zeroes the secret afterwards.
 */
export async function decideDoorLogin(
  request: DoorLoginRequest,
  options: DoorLoginOptions = {},
): Promise<DoorLoginResult> {
  const { origin } = request;
  let logger = new Logger();
  let deadlineSeconds: number = DEFAULTS.deadlineSeconds;
  const deadline = new Deadline(deadlineSeconds, () => {
    logFault(logger, 'login', origin, {
      outcome: 'tempfail',
      reason: 'deadline-exceeded',
      error: `no decision within ${deadlineSeconds} s (deadline_seconds)`,
    });
    options.onDeadline?.();
  });

  try {
    const environment = loadLoginEnvironment(request.configFile);
    const { config } = environment;
    logger = environment.logger;
    deadlineSeconds =
      options.deadlineSeconds?.(config) ?? config.deadlineSeconds;
    deadline.reset(deadlineSeconds);
    origin.serviceName = options.serviceName?.(config) ?? origin.serviceName;

    const decision = await authenticateOnce(environment, request);
    logDecision(logger, 'login', origin, decision);
    return { outcome: decision.outcome, decision, environment };
  } catch (error) {
    const reason = reasonForError(error);
    logFault(logger, 'login', origin, {
      outcome: 'tempfail',
      reason,
      error: describeError(error),
    });
    return { outcome: 'tempfail', reason };
  } finally {
    request.secret.fill(0);
    deadline.clear();
  }
}

function authenticateOnce(
  environment: LoginEnvironment,
  request: DoorLoginRequest,
): Promise<LoginDecision> {
  const { config, siteKeys } = environment;
  return withDatabase(config, (database) =>
    authenticate(
      { config, siteKeys, database },
      {
        rawUsername: request.origin.rawUsername,
        secret: request.secret,
        serviceName: request.origin.serviceName,
        remoteIP: request.origin.remoteIP,
      },
    ),
  );
}

/** Tells whether a rejected login named an account that does not exist. */
export function isUnknownAccount(decision: LoginDecision): boolean {
  return (
    decision.reason === 'unknown-account' ||
    decision.reason === 'invalid-username'
  );
}
