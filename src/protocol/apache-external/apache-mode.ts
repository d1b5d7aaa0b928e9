import { decideDoorLogin } from '../../auth/door-login.ts';
import { logFault, type LoginOrigin } from '../../auth/decision-log.ts';
import { describeError } from '../../auth/login-environment.ts';
import { resolveConfigPath } from '../../config/config.ts';
import { Logger } from '../../log/logger.ts';
import { readCheckpasswordRequest } from '../checkpassword/request.ts';
import { parseDoorArguments } from '../door-arguments.ts';
import { EXIT } from '../exit-codes.ts';

const REQUEST_FD = 3;

/**
 * Answers one Apache mod_authnz_external check in its checkpassword
 * method: `user\0password\0` on fd 3, no reply program. Exit 0 accepts and
 * any other status rejects; the class is the service name given with
 * --service (default "dav"), the remote address comes from IP.
 */
export async function runApacheMode(args: readonly string[]): Promise<number> {
  const origin: LoginOrigin = {
    door: 'apache',
    serviceName: 'dav',
    remoteIP: process.env.IP || null,
    rawUsername: '',
  };
  let configFile: string;
  let secret: Buffer;
  try {
    const options = parseDoorArguments('apache', args, { allowService: true });
    origin.serviceName = options.service ?? origin.serviceName;
    configFile = resolveConfigPath(options.configFile);
    const request = await readCheckpasswordRequest(REQUEST_FD);
    origin.rawUsername = request.username;
    secret = request.password;
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
