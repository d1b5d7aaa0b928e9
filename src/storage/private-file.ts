import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { type ErrorCode, PassgateError } from '../errors/index.ts';

/**
 * Reads a file that contains a secret, after checking through the open file
 * descriptor that neither the group nor others may read it. `what` names
 * the file in errors ("database password file"). Errors carry `code`.
 */
export function readPrivateFile(
  file: string,
  what: string,
  code: ErrorCode,
): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'open failed';
    throw new PassgateError(code, `cannot read ${what} ${file}: ${reason}`, {
      cause: error,
    });
  }

  try {
    requirePrivateMode(fd, file, what, code);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Throws when the open file `fd` is readable or writable by the group or
 * others. The fix names the daemon, because Dovecot and pure-authd run
 * passgate as their own user, which must own the file.
 */
export function requirePrivateMode(
  fd: number,
  file: string,
  what: string,
  code: ErrorCode,
): void {
  const mode = fstatSync(fd).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  throw new PassgateError(
    code,
    `${what} ${file} has mode ${mode.toString(8).padStart(4, '0')}, so the ` +
      'group or others can read it: make the user that runs passgate (the ' +
      'daemon user, e.g. dovecot) its owner and run "chmod 600" on it',
  );
}
