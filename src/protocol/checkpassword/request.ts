import { read } from 'node:fs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';

/** Maximum bytes on fd 3, the checkpassword limit that Dovecot honours. */
export const MAX_REQUEST_BYTES = 512;

// Past the limit the rest is still read, so that the writer does not fail
// with EPIPE, but only up to this many bytes.
const MAX_DRAIN_BYTES = 65536;

export interface CheckpasswordRequest {
  username: string;
  password: Buffer;
}

/**
 * Reads `user\0password\0timestamp\0` from a descriptor to EOF and parses
 * it. Throws REQUEST_MALFORMED for a missing descriptor, more than 512
 * bytes, missing NUL separators or an empty username.
 */
export async function readCheckpasswordRequest(
  fd: number,
): Promise<CheckpasswordRequest> {
  const data = await readToEnd(fd);
  return parseCheckpasswordRequest(data);
}

export function parseCheckpasswordRequest(data: Buffer): CheckpasswordRequest {
  if (data.length > MAX_REQUEST_BYTES) {
    throw malformed(
      `request on fd 3 has ${data.length} bytes or more; ` +
        `the limit is ${MAX_REQUEST_BYTES}`,
    );
  }

  const userEnd = data.indexOf(0);
  const passwordEnd = userEnd < 0 ? -1 : data.indexOf(0, userEnd + 1);
  if (userEnd < 0 || passwordEnd < 0) {
    throw malformed('request on fd 3 lacks the NUL after user and password');
  }
  if (userEnd === 0) throw malformed('request on fd 3 has an empty username');

  const username = data.subarray(0, userEnd).toString('utf8');
  const password = Buffer.from(data.subarray(userEnd + 1, passwordEnd));
  data.fill(0);
  return { username, password };
}

async function readToEnd(fd: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(MAX_REQUEST_BYTES + 1);
    const length = await readChunk(fd, chunk);
    if (length === 0) break;
    // Keep at most one byte past the limit, however the writer split its
    // data, so that the parser sees an oversized request as oversized.
    const kept = Math.min(length, MAX_REQUEST_BYTES + 1 - total);
    if (kept > 0) chunks.push(chunk.subarray(0, kept));
    total += length;
    if (total > MAX_DRAIN_BYTES) break;
  }
  return Buffer.concat(chunks);
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
