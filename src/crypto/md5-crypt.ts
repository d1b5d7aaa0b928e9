import { createHash } from 'node:crypto';
import { encodeCryptBase64, isCryptBase64 } from './crypt-base64.ts';

/** A parsed MD5-crypt string, `$1$salt$checksum`. */
export interface ParsedMD5Crypt {
  salt: string;
  checksum: string;
}

const MAGIC = '$1$';
const ROUNDS = 1000;
const MD5_GROUPS = [
  [0, 6, 12],
  [1, 7, 13],
  [2, 8, 14],
  [3, 9, 15],
  [4, 10, 5],
  [11],
] as const;

/** Parses `$1$salt$checksum` (salt at most 8 characters), or returns null. */
export function parseMD5Crypt(stored: string): ParsedMD5Crypt | null {
  const match = /^\$1\$([^$]{0,8})\$([./0-9A-Za-z]{22})$/.exec(stored);
  if (match === null || !isCryptBase64(match[1] ?? '')) return null;
  return { salt: match[1] ?? '', checksum: match[2] ?? '' };
}

/**
 * Computes the MD5-crypt checksum of a password, the `$1$` format of
 * Poul-Henning Kamp's FreeBSD crypt(3) that glibc and Dovecot also write.
 */
export function computeMD5Crypt(password: Uint8Array, salt: string): string {
  const key = Buffer.from(password);
  const saltBytes = Buffer.from(salt, 'ascii');
  const alternate = createHash('md5')
    .update(key)
    .update(saltBytes)
    .update(key)
    .digest();

  const hash = createHash('md5').update(key).update(MAGIC).update(saltBytes);
  for (let remaining = key.length; remaining > 0; remaining -= 16) {
    hash.update(alternate.subarray(0, Math.min(remaining, 16)));
  }
  // The original code mixes in a zero byte for each set bit, and the
  // first byte of the key for each clear one.
  for (let bits = key.length; bits > 0; bits >>= 1) {
    hash.update(bits & 1 ? Buffer.alloc(1) : key.subarray(0, 1));
  }
  let digest = hash.digest();

  for (let round = 0; round < ROUNDS; round++) {
    const step = createHash('md5');
    step.update(round % 2 === 1 ? key : digest);
    if (round % 3 !== 0) step.update(saltBytes);
    if (round % 7 !== 0) step.update(key);
    step.update(round % 2 === 1 ? digest : key);
    digest = step.digest();
  }
  return encodeCryptBase64(digest, MD5_GROUPS);
}
