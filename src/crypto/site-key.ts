import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import { requirePrivateMode } from '../storage/private-file.ts';

/** Length of one site key in bytes. */
export const SITE_KEY_BYTES = 32;

/**
 * Keys one site key file may hold: the current one first, then older ones
 * that `passgate key rotate` kept, newest first.
 */
export const MAX_SITE_KEYS = 8;

/** Keys derived from one site key, one per purpose (HKDF-SHA-256). */
export interface DerivedSiteKeys {
  /** 8 hex digits that name the site key in the database. */
  keyId: string;
  appPassword: Buffer;
  oneTimePassword: Buffer;
  totp: Buffer;
}

/**
 * The keys of the current site key, and those of older site keys that
 * still verify app passwords and one-time passwords and open TOTP keys
 * made before a rotation. `keyId` and `previous` are absent only in keys
 * built by hand.
 */
export interface SiteKeys {
  keyId?: string;
  appPassword: Buffer;
  oneTimePassword: Buffer;
  totp: Buffer;
  previous?: readonly DerivedSiteKeys[];
}

/**
 * Reads the site key file and derives the per-purpose keys. Rejects a file
 * that is not 1 to 8 keys of 32 bytes, or that the group or others can
 * read, because anyone holding it can test app passwords offline.
 */
export function readSiteKeys(file: string): SiteKeys {
  const [current, ...previous] = readSiteKeyFile(file).map(deriveSiteKeys);
  if (current === undefined) throw new Error('readSiteKeyFile returned none');
  return { ...current, previous };
}

/** Creates a new site key file with mode 0600; fails if the file exists. */
export function createSiteKeyFile(file: string): void {
  writeFileSync(file, randomBytes(SITE_KEY_BYTES), { mode: 0o600, flag: 'wx' });
}

/** Derives the per-purpose keys and the key id of one site key. */
export function deriveSiteKeys(key: Buffer): DerivedSiteKeys {
  return {
    keyId: createHmac('sha256', key)
      .update('passgate site key id v1')
      .digest('hex')
      .slice(0, 8),
    appPassword: deriveKey(key, 'passgate app password v1'),
    oneTimePassword: deriveKey(key, 'passgate one-time password v1'),
    totp: deriveKey(key, 'passgate TOTP key encryption v1'),
  };
}

/** Reads the raw site keys of a file, current first. */
export function readSiteKeyFile(file: string): Buffer[] {
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
    const content = Buffer.alloc(SITE_KEY_BYTES * MAX_SITE_KEYS + 1);
    const length = readSync(fd, content, 0, content.length, 0);
    if (
      length === 0 ||
      length % SITE_KEY_BYTES !== 0 ||
      length >= content.length
    ) {
      throw new PassgateError(
        ERROR_CODES.SITE_KEY_INVALID,
        `site key ${file} must hold 1 to ${MAX_SITE_KEYS} keys of ` +
          `${SITE_KEY_BYTES} bytes, but has ${length} bytes`,
      );
    }
    const keys: Buffer[] = [];
    for (let offset = 0; offset < length; offset += SITE_KEY_BYTES) {
      keys.push(Buffer.from(content.subarray(offset, offset + SITE_KEY_BYTES)));
    }
    return keys;
  } finally {
    closeSync(fd);
  }
}

function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32));
}
