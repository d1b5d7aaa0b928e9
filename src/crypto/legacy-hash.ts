import { createHash, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { computeMD5Crypt, parseMD5Crypt } from './md5-crypt.ts';
import { parsePHC, verifyPassword } from './password-hash.ts';
import { computeSHACrypt, parseSHACrypt } from './sha-crypt.ts';

/**
 * Stored hash schemes that passgate verifies, named as Dovecot names them.
 * Only ARGON2ID is written; the others are upgraded at the next login.
 */
export const HASH_SCHEMES = [
  'ARGON2ID',
  'ARGON2I',
  'ARGON2D',
  'SHA512-CRYPT',
  'SHA256-CRYPT',
  'BLF-CRYPT',
  'MD5-CRYPT',
  'SSHA512',
  'SSHA256',
  'SSHA',
  'PLAIN',
] as const;

export type HashScheme = (typeof HASH_SCHEMES)[number];

/** A stored hash whose scheme is known, ready to verify. */
export interface StoredHash {
  scheme: HashScheme;
  /** The hash without any Dovecot `{SCHEME}` prefix. */
  body: string;
  /** Decoded digest and salt of SSHA*, or the password of PLAIN. */
  bytes?: { digest: Buffer; salt: Buffer };
}

const SALTED_DIGESTS = {
  SSHA512: { algorithm: 'sha512', digestBytes: 64 },
  SSHA256: { algorithm: 'sha256', digestBytes: 32 },
  SSHA: { algorithm: 'sha1', digestBytes: 20 },
} as const;

// bcryptjs takes about 80 ms at cost 10 on one x86 core, doubling with each
// step, so cost 14 takes about 1.3 s. A non-ASCII password may be tried in
// three forms, so a higher cost could pass the login deadline and is rejected.
const MAX_BCRYPT_COST = 14;

const PREFIX = /^\{([A-Za-z0-9-]{1,32})(?:\.([A-Za-z0-9]{1,8}))?\}(.*)$/s;

/**
 * Parses a stored password hash: a Dovecot `{SCHEME}` value (with the
 * optional `.B64`, `.BASE64` or `.HEX` suffix where Dovecot allows one), a
 * bare crypt(3) string (`$6$`, `$5$`, `$1$`, `$2a$`, `$2b$`, `$2y$`) or an
 * argon2 PHC string. Returns null for any other format: a bare digest could
 * be any of several schemes, so passgate never guesses.
 */
export function parseStoredHash(stored: string): StoredHash | null {
  const prefixed = PREFIX.exec(stored);
  if (prefixed === null) return parseBareHash(stored);

  const scheme = (prefixed[1] ?? '').toUpperCase();
  const encoding = prefixed[2]?.toUpperCase();
  const body = prefixed[3] ?? '';
  if (scheme in SALTED_DIGESTS) {
    return parseSaltedDigest(
      scheme as keyof typeof SALTED_DIGESTS,
      body,
      encoding,
    );
  }
  if (['PLAIN', 'CLEAR', 'CLEARTEXT'].includes(scheme)) {
    return parsePlain(body, encoding);
  }
  if (encoding !== undefined) return null;

  const parsed = parseBareHash(body);
  if (parsed === null) return null;
  return scheme === parsed.scheme || scheme === 'CRYPT' ? parsed : null;
}

/**
 * Verifies password bytes against a parsed stored hash in constant time
 * for the digest comparison.
 */
export async function verifyStoredHash(
  password: Uint8Array,
  stored: StoredHash,
): Promise<boolean> {
  switch (stored.scheme) {
    case 'ARGON2ID':
    case 'ARGON2I':
    case 'ARGON2D':
      return verifyPassword(password, stored.body);
    case 'SHA512-CRYPT':
    case 'SHA256-CRYPT':
      return verifySHACrypt(password, stored.body);
    case 'MD5-CRYPT':
      return verifyMD5Crypt(password, stored.body);
    case 'BLF-CRYPT':
      return verifyBcrypt(password, stored.body);
    case 'SSHA512':
    case 'SSHA256':
    case 'SSHA':
      return verifySaltedDigest(password, stored);
    case 'PLAIN':
      return compareBytes(Buffer.from(password), stored.bytes?.digest);
  }
}

function parseBareHash(body: string): StoredHash | null {
  const phc = parsePHC(body);
  if (phc !== null) {
    return { scheme: phc.algorithm.toUpperCase() as HashScheme, body };
  }
  const sha = parseSHACrypt(body);
  if (sha !== null) {
    const scheme = sha.algorithm === 'sha512' ? 'SHA512-CRYPT' : 'SHA256-CRYPT';
    return { scheme, body };
  }
  if (parseMD5Crypt(body) !== null) return { scheme: 'MD5-CRYPT', body };
  if (parseBcrypt(body) !== null) return { scheme: 'BLF-CRYPT', body };
  return null;
}

function parseSaltedDigest(
  scheme: keyof typeof SALTED_DIGESTS,
  body: string,
  encoding: string | undefined,
): StoredHash | null {
  const decoded = decodeBody(body, encoding ?? 'BASE64');
  const { digestBytes } = SALTED_DIGESTS[scheme];
  // A value with no salt after the digest is unsalted SHA, not SSHA.
  if (decoded === null || decoded.length <= digestBytes) return null;
  const digest = decoded.subarray(0, digestBytes);
  const salt = decoded.subarray(digestBytes);
  return { scheme, body, bytes: { digest, salt } };
}

function parsePlain(
  body: string,
  encoding: string | undefined,
): StoredHash | null {
  const decoded =
    encoding === undefined
      ? Buffer.from(body, 'utf8')
      : decodeBody(body, encoding);
  if (decoded === null) return null;
  return {
    scheme: 'PLAIN',
    body,
    bytes: { digest: decoded, salt: Buffer.alloc(0) },
  };
}

function decodeBody(body: string, encoding: string): Buffer | null {
  if (encoding === 'HEX') {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(body)) return null;
    return Buffer.from(body, 'hex');
  }
  if (encoding === 'B64' || encoding === 'BASE64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) {
      return null;
    }
    return Buffer.from(body, 'base64');
  }
  return null;
}

function parseBcrypt(body: string): { cost: number } | null {
  const match = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(body);
  if (match === null) return null;
  const cost = Number(match[1]);
  if (cost < 4 || cost > MAX_BCRYPT_COST) return null;
  return { cost };
}

function verifySHACrypt(password: Uint8Array, body: string): boolean {
  const parsed = parseSHACrypt(body);
  if (parsed === null) return false;
  const checksum = computeSHACrypt(password, parsed);
  return compareBytes(Buffer.from(checksum), Buffer.from(parsed.checksum));
}

function verifyMD5Crypt(password: Uint8Array, body: string): boolean {
  const parsed = parseMD5Crypt(body);
  if (parsed === null) return false;
  const checksum = computeMD5Crypt(password, parsed.salt);
  return compareBytes(Buffer.from(checksum), Buffer.from(parsed.checksum));
}

async function verifyBcrypt(
  password: Uint8Array,
  body: string,
): Promise<boolean> {
  // NOTE: bcryptjs takes a string and encodes it as UTF-8, so a password
  // that is not valid UTF-8 cannot match a BLF-CRYPT hash.
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(password);
  } catch {
    return false;
  }
  const computed = await bcrypt.hash(text, body.slice(0, 29));
  return compareBytes(Buffer.from(computed), Buffer.from(body));
}

function verifySaltedDigest(password: Uint8Array, stored: StoredHash): boolean {
  const { algorithm } =
    SALTED_DIGESTS[stored.scheme as keyof typeof SALTED_DIGESTS];
  const { digest, salt } = stored.bytes ?? {};
  if (digest === undefined || salt === undefined) return false;
  const computed = createHash(algorithm).update(password).update(salt).digest();
  return compareBytes(computed, digest);
}

// Compares SHA-256 digests of both sides, so neither the content nor the
// length of the stored value shapes the time taken.
function compareBytes(left: Buffer, right: Buffer | undefined): boolean {
  if (right === undefined) return false;
  const leftDigest = createHash('sha256').update(left).digest();
  const rightDigest = createHash('sha256').update(right).digest();
  return (
    timingSafeEqual(leftDigest, rightDigest) && left.length === right.length
  );
}
