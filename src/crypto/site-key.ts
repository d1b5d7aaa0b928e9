import { hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  openSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import { requirePrivateMode } from '../storage/private-file.ts';

/** Length of the site key file in bytes. */
export const SITE_KEY_BYTES = 32;

/** Keys derived from the site key, one per purpose (HKDF-SHA-256). */
export interface SiteKeys {
  appPassword: Buffer;
  oneTimePassword: Buffer;
  totp: Buffer;
}

/**
 * Reads the site key and derives the per-purpose keys. Rejects a file that
 * is not exactly 32 bytes, or that the group or others can read, because
 * anyone holding it can test app passwords offline.
 */
export function readSiteKeys(file: string): SiteKeys {
  const key = readKeyFile(file);
  return {
    appPassword: deriveKey(key, 'passgate app password v1'),
    oneTimePassword: deriveKey(key, 'passgate one-time password v1'),
    totp: deriveKey(key, 'passgate TOTP key encryption v1'),
  };
}

/** Creates a new site key file with mode 0600; fails if the file exists. */
export function createSiteKeyFile(file: string): void {
  writeFileSync(file, randomBytes(SITE_KEY_BYTES), { mode: 0o600, flag: 'wx' });
}

function readKeyFile(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'open failed';
    throw new PassgateError(
      ERROR_CODES.SITE_KEY_INVALID,
      `cannot read site key ${file}: ${code}; create it with "passgate init"`,
      { cause: error },
    );
  }

  try {
    requirePrivateMode(fd, file, 'site key', ERROR_CODES.SITE_KEY_INVALID);
    const key = Buffer.alloc(SITE_KEY_BYTES + 1);
    const length = readSync(fd, key, 0, key.length, 0);
    if (length !== SITE_KEY_BYTES) {
      throw new PassgateError(
        ERROR_CODES.SITE_KEY_INVALID,
        `site key ${file} must be exactly ${SITE_KEY_BYTES} bytes`,
      );
    }
    return key.subarray(0, SITE_KEY_BYTES);
  } finally {
    closeSync(fd);
  }
}

function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32));
}
