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
import { findAccount } from '../../storage/accounts.ts';
import { EXIT } from '../exit-codes.ts';
import { isPassgateError } from '../../errors/index.ts';
import { parseCheckpasswordArguments } from './arguments.ts';
import { buildReplyEnvironment, runReplyProgram } from './reply.ts';
import {
  readCheckpasswordRequest,
  type CheckpasswordRequest,
} from './request.ts';

const REQUEST_FD = 3;

/**
 * Runs one checkpassword exchange (Dovecot 2.3 passdb and userdb) and
 * returns the exit status. 0 comes only from the reply program.
 */
export async function runCheckpasswordMode(
  args: readonly string[],
): Promise<number> {
  let logger = new Logger();
  const origin: LoginOrigin = {
    door: 'checkpassword',
    serviceName: process.env.SERVICE ?? '',
    remoteIP: process.env.TCPREMOTEIP || null,
    rawUsername: '',
  };
  const deadline = new Deadline(DEFAULTS.deadlineSeconds, () =>
    logFault(logger, 'login', origin, {
      outcome: 'tempfail',
      reason: 'deadline-exceeded',
      error: 'the deadline passed before a decision',
    }),
  );

  let request: CheckpasswordRequest | undefined;
  try {
    const options = parseCheckpasswordArguments(args);
    if (options.replyCommand.length === 0) {
      logFault(logger, 'login', origin, {
        outcome: 'misuse',
        reason: 'malformed-request',
        error: 'no reply program was given after the options',
      });
      return EXIT.MISUSE;
    }
    origin.serviceName = options.service ?? origin.serviceName;
    request = await readCheckpasswordRequest(REQUEST_FD);
    origin.rawUsername = request.username;

    const environment = loadLoginEnvironment(
      resolveConfigPath(options.configFile),
    );
    logger = environment.logger;
    deadline.reset(environment.config.deadlineSeconds);

    const lookup = process.env.AUTHORIZED === '1';
    const status = lookup
      ? await answerLookup(environment, origin, request)
      : await answerLogin(environment, origin, request);
    if (status === null) {
      deadline.clear();
      const username = canonicalUsernameOf(request.username);
      return await runReplyProgram(
        options.replyCommand,
        buildReplyEnvironment(
          process.env,
          environment.config,
          username,
          lookup,
        ),
      );
    }
    deadline.decide(status);
    return status;
  } catch (error) {
    const status = isMisuse(error) ? EXIT.MISUSE : EXIT.TEMPFAIL;
    logFault(
      logger,
      process.env.AUTHORIZED === '1' ? 'lookup' : 'login',
      origin,
      {
        outcome: status === EXIT.MISUSE ? 'misuse' : 'tempfail',
        reason: reasonForError(error),
        error: describeError(error),
      },
    );
    return status;
  } finally {
    request?.password.fill(0);
    deadline.clear();
  }
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
// password: the account must exist. A disabled account still receives
// mail; only its logins are refused.
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

  const found = account !== null;
  logDecision(logger, 'lookup', origin, {
    outcome: found ? 'accept' : 'reject',
    reason: found
      ? 'lookup'
      : canonical.ok
        ? 'unknown-account'
        : 'invalid-username',
    username: canonical.ok ? canonical.username : undefined,
  });
  return found ? null : EXIT.UNKNOWN_USER;
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
