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
import { verifyLogin, type VerifyDecision } from '../../auth/verify-login.ts';
import { resolveConfigPath } from '../../config/config.ts';
import { DEFAULTS } from '../../config/defaults.ts';
import {
  ERROR_CODES,
  isPassgateError,
  PassgateError,
} from '../../errors/index.ts';
import { Logger } from '../../log/logger.ts';
import { EXIT } from '../exit-codes.ts';
import { classifyLogin } from '../../policy/classify.ts';
import {
  buildVerifyAnswer,
  exitStatusForOutcome,
  writeVerifyAnswer,
  type VerifyAnswer,
} from './answer.ts';
import {
  parseVerifyArguments,
  VERIFY_USAGE,
  type VerifyArguments,
} from './arguments.ts';
import { readVerifyRequest, type VerifyRequestData } from './request.ts';

const REQUEST_FD = 0;

interface VerifyState {
  logger: Logger;
  json: boolean;
  deadlineSeconds: number;
}

/**
 * Runs `passgate verify` for a login page: reads the request from standard
 * input, decides it within the hard deadline, writes the answer to
 * standard output and returns the exit status (0 accepted, 1 rejected, 2 misuse, 111
 * temporary failure).
 */
export async function runVerifyMode(args: readonly string[]): Promise<number> {
  const state: VerifyState = {
    logger: new Logger(),
    json: args.includes('--json'),
    deadlineSeconds: DEFAULTS.deadlineSeconds,
  };
  const origin: LoginOrigin = {
    door: 'verify',
    serviceName: 'webmail',
    remoteIP: null,
    rawUsername: '',
  };
  const deadline = startDeadline(state, origin);

  let request: VerifyRequestData | undefined;
  try {
    const options = parseVerifyArguments(args);
    // Never 0 for --help: a login page that reads only the exit status
    // would take 0 as an accepted login.
    if (options.help) {
      process.stdout.write(VERIFY_USAGE);
      return EXIT.MISUSE;
    }
    origin.serviceName = options.service;
    origin.remoteIP = options.remoteIP;
    request = await readVerifyRequest(REQUEST_FD);
    origin.rawUsername = request.username;

    const answer = await answerRequest(
      options,
      state,
      origin,
      request,
      deadline,
    );
    return exitStatusForOutcome(answer.outcome);
  } catch (error) {
    const answer = answerFault(state.logger, origin, error);
    writeVerifyAnswer(answer, state.json);
    return exitStatusForOutcome(answer.outcome);
  } finally {
    request?.password.fill(0);
    deadline.clear();
  }
}

function startDeadline(state: VerifyState, origin: LoginOrigin): Deadline {
  return new Deadline(DEFAULTS.deadlineSeconds, () => {
    logFault(state.logger, 'login', origin, {
      outcome: 'tempfail',
      reason: 'deadline-exceeded',
      error: `no decision within ${state.deadlineSeconds} s (deadline_seconds)`,
    });
    writeVerifyAnswer(
      buildVerifyAnswer('tempfail', 'deadline-exceeded'),
      state.json,
    );
  });
}

async function answerRequest(
  options: VerifyArguments,
  state: VerifyState,
  origin: LoginOrigin,
  request: VerifyRequestData,
  deadline: Deadline,
): Promise<VerifyAnswer> {
  const environment = loadLoginEnvironment(
    resolveConfigPath(options.configFile),
  );
  state.logger = environment.logger;
  state.deadlineSeconds = environment.config.deadlineSeconds;
  deadline.reset(environment.config.deadlineSeconds);
  requireMappedService(environment, origin);

  return decideLogin(environment, origin, request, (answer) => {
    writeVerifyAnswer(answer, state.json);
    deadline.decide(exitStatusForOutcome(answer.outcome));
  });
}

// Writes the answer inside the database session, before the connection
// closes, because once a code is spent a slow close must not turn the
// answer into a tempfail.
async function decideLogin(
  environment: LoginEnvironment,
  origin: LoginOrigin,
  request: VerifyRequestData,
  finish: (answer: VerifyAnswer) => void,
): Promise<VerifyAnswer> {
  const { config, siteKeys, logger } = environment;
  return withDatabase(config, async (database) => {
    const decision: VerifyDecision = await verifyLogin(
      { config, siteKeys, database },
      {
        rawUsername: request.username,
        secret: request.password,
        code: request.code,
        serviceName: origin.serviceName,
        remoteIP: origin.remoteIP,
        remoteIPIsEndUser: true,
      },
    );
    logDecision(logger, 'login', origin, decision, {
      factor: decision.factor,
      drift_steps: decision.driftSteps,
    });

    const outcome = decision.outcome === 'accept' ? 'accepted' : 'rejected';
    const answer = buildVerifyAnswer(outcome, decision.reason);
    finish(answer);
    return answer;
  });
}

// A service name that maps to no class is the caller's mistake, so it is
// misuse rather than a rejected login.
function requireMappedService(
  environment: LoginEnvironment,
  origin: LoginOrigin,
): void {
  const { services, webmail } = environment.config;
  const serviceClass = classifyLogin(
    origin.serviceName,
    origin.remoteIP,
    services,
    webmail.blockList,
  );
  if (serviceClass === null) {
    throw new PassgateError(
      ERROR_CODES.USAGE,
      `verify: --service "${origin.serviceName}" is not mapped to a ` +
        `service class; add it to [services] in ${environment.config.file}`,
    );
  }
}

function answerFault(
  logger: Logger,
  origin: LoginOrigin,
  error: unknown,
): VerifyAnswer {
  const misuse =
    isPassgateError(error) &&
    (error.code === 'REQUEST_MALFORMED' || error.code === 'USAGE');
  const outcome = misuse ? 'misuse' : 'tempfail';
  const reason = reasonForError(error);
  logFault(logger, 'login', origin, {
    outcome,
    reason,
    error: describeError(error),
  });
  return buildVerifyAnswer(outcome, reason);
}
