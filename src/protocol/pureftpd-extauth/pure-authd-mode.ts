import { writeSync } from 'node:fs';
import {
  decideDoorLogin,
  isUnknownAccount,
  type DoorLoginResult,
} from '../../auth/door-login.ts';
import { logFault, type LoginOrigin } from '../../auth/decision-log.ts';
import type { LoginDecision } from '../../auth/authenticate.ts';
import {
  describeError,
  type LoginEnvironment,
} from '../../auth/login-environment.ts';
import { resolveConfigPath } from '../../config/config.ts';
import { Logger } from '../../log/logger.ts';
import { parseDoorArguments } from '../door-arguments.ts';
import { EXIT } from '../exit-codes.ts';
import { AUTH_OK, formatAcceptReply, formatRejectReply } from './reply.ts';
import { readPureAuthdRequest, type PureAuthdRequest } from './request.ts';

/**
 * Decides one pure-authd request (pure-ftpd `-l extauth:SOCKET`). pure-authd
 * passes no arguments, so the config comes from PASSGATE_CONFIG or the
 * default path; the request comes in AUTHD_* variables and the reply goes
 * to stdout. pure-authd ignores the exit status and drops stderr, so every
 * fault gets auth_ok:-1 and, once the config is read, a line in the log
 * file. Faults before that (bad arguments, no AUTHD_ACCOUNT) reach stderr
 * only.
 */
export async function runPureAuthdMode(
  args: readonly string[],
): Promise<number> {
  const origin: LoginOrigin = {
    door: 'pure-authd',
    serviceName: 'ftp',
    remoteIP: null,
    rawUsername: process.env.AUTHD_ACCOUNT ?? '',
  };
  let configFile: string;
  let request: PureAuthdRequest;
  try {
    configFile = resolveConfigPath(
      parseDoorArguments('pure-authd', args).configFile,
    );
    request = readPureAuthdRequest(process.env);
  } catch (error) {
    return rejectMisuse(origin, describeError(error));
  } finally {
    delete process.env.AUTHD_PASSWORD;
  }
  origin.remoteIP = request.remoteIP;

  const secret = request.password;
  const result = await decideDoorLogin(
    { origin, configFile, secret },
    {
      deadlineSeconds: (config) => config.pureFTPd.deadlineSeconds,
      serviceName: (config) => config.pureFTPd.service,
      onDeadline: () => writeReply(formatRejectReply(AUTH_OK.FAIL)),
    },
  );

  return writeDecision(result, origin);
}

function writeDecision(result: DoorLoginResult, origin: LoginOrigin): number {
  if (result.outcome === 'tempfail') {
    writeReply(formatRejectReply(AUTH_OK.FAIL));
    return EXIT.TEMPFAIL;
  }
  const { config } = result.environment;
  if (result.outcome === 'reject') {
    const unknown = isUnknownAccount(result.decision);
    const next = unknown && config.pureFTPd.unknownAccount === 'next';
    writeReply(formatRejectReply(next ? AUTH_OK.NEXT : AUTH_OK.FAIL));
    return EXIT.REJECT;
  }
  return writeAcceptReply(result.environment, origin, result.decision);
}

// A username that cannot form a home directory is refused, not accepted
// without one.
function writeAcceptReply(
  environment: LoginEnvironment,
  origin: LoginOrigin,
  decision: LoginDecision,
): number {
  let reply: string;
  try {
    reply = formatAcceptReply(environment.config, decision.username ?? '');
  } catch (error) {
    logFault(environment.logger, 'login', origin, {
      outcome: 'tempfail',
      reason: 'config-error',
      error: describeError(error),
    });
    writeReply(formatRejectReply(AUTH_OK.FAIL));
    return EXIT.TEMPFAIL;
  }
  writeReply(reply);
  return EXIT.OK;
}

function rejectMisuse(origin: LoginOrigin, error: string): number {
  logFault(new Logger(), 'login', origin, {
    outcome: 'misuse',
    reason: 'malformed-request',
    error,
  });
  writeReply(formatRejectReply(AUTH_OK.FAIL));
  return EXIT.MISUSE;
}

// Written synchronously: the deadline may end the process right after.
function writeReply(text: string): void {
  writeSync(1, text);
}
