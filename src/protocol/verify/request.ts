import { read } from 'node:fs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';

/** Maximum bytes of a verify request on standard input. */
export const MAX_VERIFY_REQUEST_BYTES = 1024;

// Past the limit the rest is still read, so that the writer does not fail
// with EPIPE, but only up to this many bytes.
const MAX_DRAIN_BYTES = 65536;

export interface VerifyRequestData {
  username: string;
  password: Buffer;
  /** The second factor as typed; empty when the field is empty or absent. */
  code: string;
}

/**
 * Reads `user\0password\0code\0` from a descriptor to EOF and parses it.
 * Throws REQUEST_MALFORMED for more than 1024 bytes, a missing NUL after
 * the user or the password, an empty username, or data after the code's
 * NUL. The code's own NUL may be left out.
 */
export async function readVerifyRequest(
  fd: number,
): Promise<VerifyRequestData> {
  return parseVerifyRequest(await readBounded(fd));
}

export function parseVerifyRequest(data: Buffer): VerifyRequestData {
  if (data.length > MAX_VERIFY_REQUEST_BYTES) {
    data.fill(0);
    throw malformed(
      `request on standard input has ${data.length} bytes or more; ` +
        `the limit is ${MAX_VERIFY_REQUEST_BYTES}`,
    );
  }

  const userEnd = data.indexOf(0);
  const passwordEnd = userEnd < 0 ? -1 : data.indexOf(0, userEnd + 1);
  const codeEnd = passwordEnd < 0 ? -1 : data.indexOf(0, passwordEnd + 1);
  const fault = findFault(data.length, userEnd, passwordEnd, codeEnd);
  if (fault !== null) {
    data.fill(0);
    throw malformed(fault);
  }

  const request = {
    username: data.subarray(0, userEnd).toString('utf8'),
    password: Buffer.from(data.subarray(userEnd + 1, passwordEnd)),
    code: data
      .subarray(passwordEnd + 1, codeEnd < 0 ? data.length : codeEnd)
      .toString('utf8'),
  };
  data.fill(0);
  return request;
}

function findFault(
  length: number,
  userEnd: number,
  passwordEnd: number,
  codeEnd: number,
): string | null {
  if (userEnd < 0 || passwordEnd < 0) {
    return 'request on standard input lacks the NUL after user and password';
  }
  if (userEnd === 0) return 'request on standard input has an empty username';
  if (codeEnd >= 0 && codeEnd + 1 < length) {
    return 'request on standard input has data after the NUL of the code';
  }
  return null;
}

// Keeps at most one byte more than the limit, so that the parser sees an
// oversized request however the writer split it into chunks.
async function readBounded(fd: number): Promise<Buffer> {
  const kept = Buffer.alloc(MAX_VERIFY_REQUEST_BYTES + 1);
  const chunk = Buffer.alloc(4096);
  let keptLength = 0;
  let total = 0;
  for (;;) {
    const length = await readChunk(fd, chunk);
    if (length === 0) break;
    total += length;
    keptLength += chunk.copy(kept, keptLength, 0, length);
    if (total > MAX_DRAIN_BYTES) break;
  }
  chunk.fill(0);
  const data = Buffer.from(kept.subarray(0, keptLength));
  kept.fill(0);
  return data;
}

function readChunk(fd: number, chunk: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, chunk, 0, chunk.length, null, (error, length) => {
      if (error === null) return resolve(length);
      if (error.code === 'EAGAIN') {
        setTimeout(() => readChunk(fd, chunk).then(resolve, reject), 5);
        return;
      }
      reject(malformed(`cannot read the request from fd ${fd}: ${error.code}`));
    });
  });
}

function malformed(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.REQUEST_MALFORMED, message);
}
