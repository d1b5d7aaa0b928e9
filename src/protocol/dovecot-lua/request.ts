import { isIP } from 'node:net';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';

export interface LuaPassdbRequest {
  username: string;
  password: Buffer;
  serviceName: string;
  remoteIP: string | null;
}

/**
 * Parses `user\0password\0service\0remote-ip\0` as the Dovecot Lua script
 * writes it. The remote address may be empty; anything that is not an IP
 * address counts as none. Zeroes `data` afterwards.
 */
export function parseLuaPassdbRequest(data: Buffer): LuaPassdbRequest {
  const fields: Buffer[] = [];
  let start = 0;
  for (let field = 0; field < 4; field++) {
    const end = data.indexOf(0, start);
    if (end < 0) {
      data.fill(0);
      throw malformed('the request lacks the NUL after one of its 4 fields');
    }
    fields.push(data.subarray(start, end));
    start = end + 1;
  }

  const [user, password, service, remoteIP] = fields as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ];
  const request: LuaPassdbRequest = {
    username: user.toString('utf8'),
    password: Buffer.from(password),
    serviceName: service.toString('utf8'),
    remoteIP: isIP(remoteIP.toString('latin1'))
      ? remoteIP.toString('latin1')
      : null,
  };
  data.fill(0);
  if (request.username === '') {
    request.password.fill(0);
    throw malformed('the request has an empty username');
  }
  return request;
}

function malformed(message: string): PassgateError {
  return new PassgateError(
    ERROR_CODES.REQUEST_MALFORMED,
    `lua-bridge: ${message}`,
  );
}
