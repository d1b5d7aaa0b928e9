import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchownSync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import {
  deriveSiteKeys,
  MAX_SITE_KEYS,
  readSiteKeyFile,
  SITE_KEY_BYTES,
} from './site-key.ts';

/**
 * Puts a new random key at the front of the site key file and keeps the
 * old ones behind it. The file is replaced atomically (write, fsync,
 * rename) with mode 0600 and the old file's owner, so a daemon that reads
 * it keeps access. Returns the key ids, the new one first.
 */
export function addSiteKey(file: string): string[] {
  const keys = readSiteKeyFile(file);
  if (keys.length >= MAX_SITE_KEYS) {
    throw new PassgateError(
      ERROR_CODES.PRECONDITION_FAILED,
      `site key ${file} already holds ${MAX_SITE_KEYS} keys, the maximum; ` +
        'run "passgate key rotate --rewrap" and "passgate key retire" first',
    );
  }

  const updated = [randomBytes(SITE_KEY_BYTES), ...keys];
  replaceSiteKeyFile(file, updated);
  return updated.map((key) => deriveSiteKeys(key).keyId);
}

/** Replaces the site key file with `keys`, current first. */
export function replaceSiteKeyFile(file: string, keys: Buffer[]): void {
  const { uid, gid } = statSync(file);
  const temporary = `${file}.new-${process.pid}`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    fchownSync(fd, uid, gid);
    writeSync(fd, Buffer.concat(keys));
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temporary);
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, file);
}
