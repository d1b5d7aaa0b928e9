import { isIP } from 'node:net';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';

/** Maximum bytes of AUTHD_ACCOUNT and of AUTHD_PASSWORD. */
export const MAX_AUTHD_FIELD_BYTES = 512;

export interface PureAuthdRequest {
  username: string;
  password: Buffer;
  remoteIP: string | null;
}

/**
 * Reads one request from the AUTHD_* variables that pure-authd sets. The
 * values are raw and attacker controlled: AUTHD_ACCOUNT must be set and
 * both fields are bounded. pure-authd leaves AUTHD_PASSWORD unset when the
 * password is empty. A remote address that is not an IP address is ignored.
 */
export function readPureAuthdRequest(
  environment: Readonly<Record<string, string | undefined>>,
): PureAuthdRequest {
  const username = environment.AUTHD_ACCOUNT ?? '';
  const password = Buffer.from(environment.AUTHD_PASSWORD ?? '', 'utf8');
  if (username === '') {
    password.fill(0);
    throw malformed('AUTHD_ACCOUNT is missing or empty');
  }
  for (const [name, bytes] of [
    ['AUTHD_ACCOUNT', Buffer.byteLength(username, 'utf8')],
    ['AUTHD_PASSWORD', password.length],
  ] as const) {
    if (bytes > MAX_AUTHD_FIELD_BYTES) {
      password.fill(0);
      throw malformed(
        `${name} has ${bytes} bytes; the limit is ${MAX_AUTHD_FIELD_BYTES}`,
      );
    }
  }

  const address = environment.AUTHD_REMOTE_IP ?? '';
  return {
    username,
    password,
    remoteIP: isIP(address) === 0 ? null : address,
  };
}

function malformed(message: string): PassgateError {
  return new PassgateError(
    ERROR_CODES.REQUEST_MALFORMED,
    `pure-authd: ${message}`,
  );
}
