import { authenticate, type LoginDecision } from '../../auth/authenticate.ts';
import { Deadline } from '../../auth/deadline.ts';
import {
  logDecision,
  logFault,
  type LoginOrigin,
} from '../../auth/decision-log.ts';
import {
  describeError,
  loadLoginEnvironment,
  reasonForError,
  withDatabase,
  type LoginEnvironment,
} from '../../auth/login-environment.ts';
import { resolveConfigPath } from '../../config/config.ts';
import { DEFAULTS } from '../../config/defaults.ts';
import { Logger } from '../../log/logger.ts';
import { canonicalizeUsername } from '../../policy/username.ts';
import { findAccount, type Account } from '../../storage/accounts.ts';
import type { Config } from '../../config/config.ts';
import type { Reason } from '../../policy/reasons.ts';
import { EXIT } from '../exit-codes.ts';
import {
  ERROR_CODES,
  isPassgateError,
  PassgateError,
} from '../../errors/index.ts';
import {
  parseCheckpasswordArguments,
  type CheckpasswordArguments,
} from './arguments.ts';
import { buildReplyEnvironment, runReplyProgram } from './reply.ts';
import {
  readCheckpasswordRequest,
  type CheckpasswordRequest,
} from './request.ts';

const REQUEST_FD = 3;

interface Session {
  logger: Logger;
  origin: LoginOrigin;
  deadline: Deadline;
  deadlineSeconds: number;
  lookup: boolean;
}

/**
 * Runs one checkpassword exchange (Dovecot 2.3 passdb and userdb) and
 * returns the exit status. 0 comes only from the reply program.
 */
export async function runCheckpasswordMode(
  args: readonly string[],
): Promise<number> {
  const session = startSession();
  let request: CheckpasswordRequest | undefined;
  try {
    const options = parseCheckpasswordArguments(args);
    if (options.replyCommand.length === 0) {
      throw new PassgateError(
        ERROR_CODES.USAGE,
        'no reply program was given after the options',
      );
    }
    session.origin.serviceName = options.service ?? session.origin.serviceName;
    request = await readCheckpasswordRequest(REQUEST_FD);
    session.origin.rawUsername = request.username;

    return await answerRequest(session, options, request);
  } catch (error) {
    return reportFailure(session, error);
  } finally {
    request?.password.fill(0);
    session.deadline.clear();
  }
}

function startSession(): Session {
  const session: Session = {
    logger: new Logger(),
    origin: {
      door: 'checkpassword',
      serviceName: process.env.SERVICE ?? '',
      remoteIP: process.env.TCPREMOTEIP || null,
      rawUsername: '',
    },
    lookup: process.env.AUTHORIZED === '1',
    deadlineSeconds: DEFAULTS.deadlineSeconds,
    deadline: new Deadline(DEFAULTS.deadlineSeconds, () =>
      logFault(session.logger, eventOf(session), session.origin, {
        outcome: 'tempfail',
        reason: 'deadline-exceeded',
        error:
          `no decision within ${session.deadlineSeconds} s ` +
          '(deadline_seconds)',
      }),
    ),
  };
  return session;
}

async function answerRequest(
  session: Session,
  options: CheckpasswordArguments,
  request: CheckpasswordRequest,
): Promise<number> {
  const environment = loadLoginEnvironment(
    resolveConfigPath(options.configFile),
  );
  session.logger = environment.logger;
  session.deadlineSeconds = environment.config.deadlineSeconds;
  session.deadline.reset(session.deadlineSeconds);

  const status = session.lookup
    ? await answerLookup(environment, session.origin, request)
    : await answerLogin(environment, session.origin, request);
  if (status !== null) {
    session.deadline.decide(status);
    return status;
  }

  session.deadline.clear();
  const replyEnvironment = buildReplyEnvironment(
    process.env,
    environment.config,
    canonicalUsernameOf(request.username),
    session.lookup,
  );
  return runReplyProgram(options.replyCommand, replyEnvironment);
}

function reportFailure(session: Session, error: unknown): number {
  const status = isMisuse(error) ? EXIT.MISUSE : EXIT.TEMPFAIL;
  logFault(session.logger, eventOf(session), session.origin, {
    outcome: status === EXIT.MISUSE ? 'misuse' : 'tempfail',
    reason: reasonForError(error),
    error: describeError(error),
  });
  return status;
}

function eventOf(session: Session): 'login' | 'lookup' {
  return session.lookup ? 'lookup' : 'login';
}

// Returns null when the login is accepted and the reply program must run,
// else the exit status.
async function answerLogin(
  environment: LoginEnvironment,
  origin: LoginOrigin,
  request: CheckpasswordRequest,
): Promise<number | null> {
  const { config, siteKeys, logger } = environment;
  const decision: LoginDecision = await withDatabase(config, (database) =>
    authenticate(
      { config, siteKeys, database },
      {
        rawUsername: request.username,
        secret: request.password,
        serviceName: origin.serviceName,
        remoteIP: origin.remoteIP,
      },
    ),
  );

  logDecision(logger, 'login', origin, decision);
  return decision.outcome === 'accept' ? null : EXIT.REJECT;
}

// A userdb lookup (LMTP delivery, doveadm) or a passdb lookup without a
// password: the account must exist. Dovecot also looks a user up this way
// for logins whose password another passdb checked (master users, SASL
// EXTERNAL). So a disabled account is unknown to every service that maps
// to a login class. Delivery and admin services (lmtp, doveadm) still find
// it, because disabling an account stops its logins, not its mail.
async function answerLookup(
  environment: LoginEnvironment,
  origin: LoginOrigin,
  request: CheckpasswordRequest,
): Promise<number | null> {
  const { config, logger } = environment;
  const canonical = canonicalizeUsername(request.username);
  const account = canonical.ok
    ? await withDatabase(config, (database) =>
        findAccount(database, canonical.username),
      )
    : null;

  const reason = judgeLookup(config, origin, canonical.ok, account);
  logDecision(logger, 'lookup', origin, {
    outcome: reason === 'lookup' ? 'accept' : 'reject',
    reason,
    username: canonical.ok ? canonical.username : undefined,
  });
  return reason === 'lookup' ? null : EXIT.UNKNOWN_USER;
}

function judgeLookup(
  config: Config,
  origin: LoginOrigin,
  validUsername: boolean,
  account: Account | null,
): Reason {
  if (!validUsername) return 'invalid-username';
  if (account === null) return 'unknown-account';
  if (account.enabled) return 'lookup';
  const loginService = Object.hasOwn(
    config.services,
    origin.serviceName.toLowerCase(),
  );
  return loginService ? 'account-disabled' : 'lookup';
}

function canonicalUsernameOf(raw: string): string {
  const canonical = canonicalizeUsername(raw);
  if (!canonical.ok) throw new Error('accepted login with an invalid username');
  return canonical.username;
}

// Only a malformed request or bad arguments from the host are misuse (2);
// every other failure is temporary (111), never a rejection.
function isMisuse(error: unknown): boolean {
  return (
    isPassgateError(error) &&
    (error.code === 'REQUEST_MALFORMED' || error.code === 'USAGE')
  );
}
