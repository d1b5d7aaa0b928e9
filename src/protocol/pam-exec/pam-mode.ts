import { decideDoorLogin } from '../../auth/door-login.ts';
import { logFault, type LoginOrigin } from '../../auth/decision-log.ts';
import { describeError } from '../../auth/login-environment.ts';
import { resolveConfigPath } from '../../config/config.ts';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { Logger } from '../../log/logger.ts';
import { readBoundedInput } from '../bounded-input.ts';
import { parseDoorArguments } from '../door-arguments.ts';
import { EXIT } from '../exit-codes.ts';

/** Linux-PAM's PAM_MAX_RESP_SIZE: pam_exec sends at most this many bytes. */
const MAX_PASSWORD_BYTES = 512;
// The password plus the NUL that Linux-PAM releases after 1.5.2 add.
const MAX_INPUT_BYTES = MAX_PASSWORD_BYTES + 1;

/**
 * Decides one pam_exec login (`auth ... pam_exec.so expose_authtok PROGRAM
 * pam`): the password on stdin, the user in PAM_USER, the
 * PAM service name (mapped to a class by [services]) in PAM_SERVICE.
 * Exit 0 accepts; pam_exec turns any other status into PAM_SYSTEM_ERR.
 */
export async function runPAMMode(args: readonly string[]): Promise<number> {
  const origin: LoginOrigin = {
    door: 'pam',
    serviceName: process.env.PAM_SERVICE ?? '',
    remoteIP: process.env.PAM_RHOST || null,
    rawUsername: process.env.PAM_USER ?? '',
  };
  let configFile: string;
  let secret: Buffer;
  try {
    configFile = resolveConfigPath(parseDoorArguments('pam', args).configFile);
    checkPAMType(process.env.PAM_TYPE);
    if (origin.rawUsername === '') throw malformed('PAM_USER is not set');
    secret = parsePAMPassword(await readBoundedInput(0, MAX_INPUT_BYTES));
  } catch (error) {
    logFault(new Logger(), 'login', origin, {
      outcome: 'misuse',
      reason: 'malformed-request',
      error: describeError(error),
    });
    return EXIT.MISUSE;
  }

  const result = await decideDoorLogin({ origin, configFile, secret });
  if (result.outcome === 'tempfail') return EXIT.TEMPFAIL;
  return result.outcome === 'accept' ? EXIT.OK : EXIT.REJECT;
}

// expose_authtok works only for the auth type; in an account, session or
// password stack the program would get no password at all.
function checkPAMType(type: string | undefined): void {
  if (type === 'auth') return;
  throw new PassgateError(
    ERROR_CODES.USAGE,
    `pam: PAM_TYPE is ${JSON.stringify(type ?? '')}, expected "auth"; ` +
      'use pam_exec with expose_authtok in an auth line only',
  );
}

/**
 * Takes the password from pam_exec's stdin: the bytes before the first
 * NUL, or all of them. Linux-PAM 1.5.2 (Debian 12) writes the password
 * without a NUL; later releases add one after it.
 */
export function parsePAMPassword(data: Buffer): Buffer {
  const end = data.indexOf(0);
  const password = Buffer.from(data.subarray(0, end < 0 ? data.length : end));
  data.fill(0);
  return password;
}

function malformed(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.REQUEST_MALFORMED, `pam: ${message}`);
}
