import { decideDoorLogin } from '../../auth/door-login.ts';
import { logFault, type LoginOrigin } from '../../auth/decision-log.ts';
import { describeError } from '../../auth/login-environment.ts';
import { resolveConfigPath } from '../../config/config.ts';
import { Logger } from '../../log/logger.ts';
import { readBoundedInput } from '../bounded-input.ts';
import { parseDoorArguments } from '../door-arguments.ts';
import { EXIT } from '../exit-codes.ts';
import { MAX_PIPE_REQUEST_BYTES, parsePipeRequest } from './request.ts';

/**
 * Decides one Apache mod_authnz_external login in its pipe method:
 * `user\npassword\n` on stdin. Exit 0 accepts and any other status
 * rejects. The service name comes from --service (default "dav"), the
 * remote address from IP.
 *
 * NOTE: the checkpassword method of mod_authnz_external 3.3.2 (Debian 12)
 * writes the request to the child's stderr pipe, not to fd 3, so no
 * checkpassword program can read it there; use the pipe method.
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
    const request = parsePipeRequest(
      await readBoundedInput(0, MAX_PIPE_REQUEST_BYTES),
    );
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
