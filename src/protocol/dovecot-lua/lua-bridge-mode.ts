import { Deadline } from '../../auth/deadline.ts';
import {
  logDecision,
  logFault,
  type LoginOrigin,
} from '../../auth/decision-log.ts';
import { decideDoorLogin, isUnknownAccount } from '../../auth/door-login.ts';
import {
  describeError,
  loadLoginEnvironment,
  reasonForError,
  withDatabase,
  type LoginEnvironment,
} from '../../auth/login-environment.ts';
import { resolveConfigPath } from '../../config/config.ts';
import { DEFAULTS } from '../../config/defaults.ts';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { Logger } from '../../log/logger.ts';
import { canonicalizeUsername } from '../../policy/username.ts';
import { findAccount } from '../../storage/accounts.ts';
import { readBoundedInput } from '../bounded-input.ts';
import { expandHome } from '../checkpassword/reply.ts';
import { parseDoorArguments } from '../door-arguments.ts';
import { EXIT } from '../exit-codes.ts';
import { parseLuaPassdbRequest } from './request.ts';

const USAGE =
  'expected "lua-bridge [--config FILE] passdb" (request on stdin) or ' +
  '"lua-bridge [--config FILE] userdb USER"';

/**
 * Runs the helper that the Dovecot Lua passdb and userdb script calls.
 * `passdb` reads `user\0password\0service\0remote-ip\0` on stdin and exits
 * 0 accept, 1 reject, 3 unknown account, 111 temporary failure, 2 misuse.
 * `userdb USER` prints uid=, gid= and home= lines and exits 0, 3 or 111.
 */
export async function runLuaBridgeMode(
  args: readonly string[],
): Promise<number> {
  const origin: LoginOrigin = {
    door: 'dovecot-lua',
    serviceName: '',
    remoteIP: null,
    rawUsername: '',
  };
  try {
    const options = parseDoorArguments('lua-bridge', args);
    const configFile = resolveConfigPath(options.configFile);
    const [step, user, extra] = options.operands;
    if (step === 'passdb' && user === undefined) {
      return await answerPassdb(origin, configFile);
    }
    if (step === 'userdb' && user !== undefined && extra === undefined) {
      origin.rawUsername = user;
      return await answerUserdb(origin, configFile);
    }
    throw new PassgateError(ERROR_CODES.USAGE, `lua-bridge: ${USAGE}`);
  } catch (error) {
    logFault(new Logger(), 'login', origin, {
      outcome: 'misuse',
      reason: 'malformed-request',
      error: describeError(error),
    });
    return EXIT.MISUSE;
  }
}

async function answerPassdb(
  origin: LoginOrigin,
  configFile: string,
): Promise<number> {
  const request = parseLuaPassdbRequest(await readBoundedInput(0, 640));
  origin.rawUsername = request.username;
  origin.serviceName = request.serviceName;
  origin.remoteIP = request.remoteIP;

  const result = await decideDoorLogin({
    origin,
    configFile,
    secret: request.password,
  });
  if (result.outcome === 'tempfail') return EXIT.TEMPFAIL;
  if (result.outcome === 'accept') return EXIT.OK;
  return isUnknownAccount(result.decision) ? EXIT.UNKNOWN_USER : EXIT.REJECT;
}

// Like the checkpassword lookup, a disabled account is still found: it
// receives mail, and only its logins are refused.
async function answerUserdb(
  origin: LoginOrigin,
  configFile: string,
): Promise<number> {
  let logger = new Logger();
  let deadlineSeconds: number = DEFAULTS.deadlineSeconds;
  const deadline = new Deadline(deadlineSeconds, () =>
    logFault(logger, 'lookup', origin, {
      outcome: 'tempfail',
      reason: 'deadline-exceeded',
      error: `no decision within ${deadlineSeconds} s (deadline_seconds)`,
    }),
  );
  try {
    const environment = loadLoginEnvironment(configFile);
    logger = environment.logger;
    deadlineSeconds = environment.config.deadlineSeconds;
    deadline.reset(deadlineSeconds);
    return await lookUpUserdbFields(environment, origin);
  } catch (error) {
    logFault(logger, 'lookup', origin, {
      outcome: 'tempfail',
      reason: reasonForError(error),
      error: describeError(error),
    });
    return EXIT.TEMPFAIL;
  } finally {
    deadline.clear();
  }
}

// Prints uid=, gid= and home= lines for an existing account.
async function lookUpUserdbFields(
  environment: LoginEnvironment,
  origin: LoginOrigin,
): Promise<number> {
  const canonical = canonicalizeUsername(origin.rawUsername);
  const account = canonical.ok
    ? await withDatabase(environment.config, (database) =>
        findAccount(database, canonical.username),
      )
    : null;

  logDecision(environment.logger, 'lookup', origin, {
    outcome: account === null ? 'reject' : 'accept',
    reason: account === null ? 'unknown-account' : 'lookup',
    username: account?.username,
  });
  if (account === null) return EXIT.UNKNOWN_USER;

  const { uid, gid, home } = environment.config.userdb;
  const fields = [
    `uid=${uid}`,
    `gid=${gid}`,
    `home=${expandHome(home, account.username)}`,
  ];
  process.stdout.write(`${fields.join('\n')}\n`);
  return EXIT.OK;
}
