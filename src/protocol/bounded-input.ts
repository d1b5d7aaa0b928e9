import { read } from 'node:fs';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';

// Past the limit the rest is still read, so that the writer does not fail
// with EPIPE, but only up to this many bytes.
const MAX_DRAIN_BYTES = 65536;

/**
 * Reads a descriptor to EOF and returns its bytes. Throws REQUEST_MALFORMED
 * when more than `maxBytes` arrive or the descriptor cannot be read.
 */
export async function readBoundedInput(
  fd: number,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(maxBytes + 1);
    const length = await readChunk(fd, chunk);
    if (length === 0) break;
    total += length;
    if (total <= maxBytes) chunks.push(chunk.subarray(0, length));
    else chunk.fill(0);
    if (total > MAX_DRAIN_BYTES) break;
  }

  const data = Buffer.concat(chunks);
  for (const chunk of chunks) chunk.fill(0);
  if (total > maxBytes) {
    data.fill(0);
    throw malformed(`input on fd ${fd} exceeds the limit of ${maxBytes} bytes`);
  }
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
      reject(malformed(`cannot read fd ${fd}: ${error.code}`));
    });
  });
}

function malformed(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.REQUEST_MALFORMED, message);
}
