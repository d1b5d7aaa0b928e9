import { ERROR_CODES, PassgateError } from '../../errors/index.ts';

/** Maximum bytes of `user\npassword\n` on stdin. */
export const MAX_PIPE_REQUEST_BYTES = 512;

export interface PipeRequest {
  username: string;
  password: Buffer;
}

/**
 * Parses mod_authnz_external's pipe method input, `user\npassword\n`.
 * Zeroes `data` afterwards. A password cannot contain a newline here.
 */
export function parsePipeRequest(data: Buffer): PipeRequest {
  const userEnd = data.indexOf(0x0a);
  const passwordEnd = userEnd < 0 ? -1 : data.indexOf(0x0a, userEnd + 1);
  if (userEnd < 0 || passwordEnd < 0) {
    data.fill(0);
    throw malformed('stdin lacks the newline after user and password');
  }
  if (userEnd === 0) {
    data.fill(0);
    throw malformed('stdin has an empty username');
  }

  const username = data.subarray(0, userEnd).toString('utf8');
  const password = Buffer.from(data.subarray(userEnd + 1, passwordEnd));
  data.fill(0);
  return { username, password };
}

function malformed(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.REQUEST_MALFORMED, `apache: ${message}`);
}
