import { createHash } from 'node:crypto';
import { encodeCryptBase64, isCryptBase64 } from './crypt-base64.ts';

/** A parsed SHA-crypt string: `$5$` (SHA-256) or `$6$` (SHA-512). */
export interface ParsedSHACrypt {
  algorithm: 'sha256' | 'sha512';
  /** The `rounds=N$` field as written, or null for the default 5000. */
  roundsField: number | null;
  rounds: number;
  salt: string;
  checksum: string;
}

const DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_SALT_CHARACTERS = 16;
// The format allows 999999999 rounds, but a million SHA-512 rounds take
// about 2 s (5000 rounds measured at 10 ms on one x86 core), so a larger
// value could run past the login deadline and is rejected as unknown.
const MAX_ROUNDS = 1_000_000;

const SHA256_GROUPS = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
  [31, 30],
] as const;

const SHA512_GROUPS = [
  [0, 21, 42],
  [22, 43, 1],
  [44, 2, 23],
  [3, 24, 45],
  [25, 46, 4],
  [47, 5, 26],
  [6, 27, 48],
  [28, 49, 7],
  [50, 8, 29],
  [9, 30, 51],
  [31, 52, 10],
  [53, 11, 32],
  [12, 33, 54],
  [34, 55, 13],
  [56, 14, 35],
  [15, 36, 57],
  [37, 58, 16],
  [59, 17, 38],
  [18, 39, 60],
  [40, 61, 19],
  [62, 20, 41],
  [63],
] as const;

/**
 * Parses `$5$[rounds=N$]salt$checksum` or the `$6$` form, as glibc,
 * OpenSSL and Dovecot write them. Returns null for anything else.
 */
export function parseSHACrypt(stored: string): ParsedSHACrypt | null {
  const match =
    /^\$([56])\$(?:rounds=([1-9][0-9]{0,8})\$)?([^$]{0,16})\$([./0-9A-Za-z]+)$/.exec(
      stored,
    );
  if (match === null) return null;
  const algorithm = match[1] === '5' ? 'sha256' : 'sha512';
  const roundsField = match[2] === undefined ? null : Number(match[2]);
  const salt = match[3] ?? '';
  const checksum = match[4] ?? '';
  const checksumLength = algorithm === 'sha256' ? 43 : 86;
  if (checksum.length !== checksumLength || !isCryptBase64(salt)) return null;

  const rounds = Math.max(roundsField ?? DEFAULT_ROUNDS, MIN_ROUNDS);
  if (rounds > MAX_ROUNDS) return null;
  return { algorithm, roundsField, rounds, salt, checksum };
}

/**
 * Computes the SHA-crypt checksum of a password (Ulrich Drepper's
 * "Unix crypt using SHA-256 and SHA-512", the `$5$` and `$6$` formats).
 */
export function computeSHACrypt(
  password: Uint8Array,
  parsed: Pick<ParsedSHACrypt, 'algorithm' | 'rounds' | 'salt'>,
): string {
  const { algorithm, rounds } = parsed;
  const key = Buffer.from(password);
  const salt = Buffer.from(parsed.salt.slice(0, MAX_SALT_CHARACTERS), 'ascii');
  const digestA = computeInitialDigest(algorithm, key, salt);

  const keyRepeat = repeatDigest(algorithm, key, key.length, key.length);
  const saltRepeat = repeatDigest(
    algorithm,
    salt,
    16 + (digestA[0] ?? 0),
    salt.length,
  );

  let digest = digestA;
  for (let round = 0; round < rounds; round++) {
    const hash = createHash(algorithm);
    hash.update(round % 2 === 1 ? keyRepeat : digest);
    if (round % 3 !== 0) hash.update(saltRepeat);
    if (round % 7 !== 0) hash.update(keyRepeat);
    hash.update(round % 2 === 1 ? digest : keyRepeat);
    digest = hash.digest();
  }

  const groups = algorithm === 'sha256' ? SHA256_GROUPS : SHA512_GROUPS;
  return encodeCryptBase64(digest, groups);
}

// Steps 1 to 12 of the specification: digest A over key, salt, and digest
// B (key, salt, key) mixed in by the bits of the key length.
function computeInitialDigest(
  algorithm: 'sha256' | 'sha512',
  key: Buffer,
  salt: Buffer,
): Buffer {
  const digestB = createHash(algorithm)
    .update(key)
    .update(salt)
    .update(key)
    .digest();
  const hash = createHash(algorithm).update(key).update(salt);
  let remaining = key.length;
  for (; remaining > digestB.length; remaining -= digestB.length) {
    hash.update(digestB);
  }
  hash.update(digestB.subarray(0, remaining));

  for (let bits = key.length; bits > 0; bits >>= 1) {
    hash.update(bits & 1 ? digestB : key);
  }
  return hash.digest();
}

// Hashes `input` repeated `times` times and stretches or cuts the digest to
// `length` bytes (the P and S sequences of the specification).
function repeatDigest(
  algorithm: 'sha256' | 'sha512',
  input: Buffer,
  times: number,
  length: number,
): Buffer {
  const hash = createHash(algorithm);
  for (let count = 0; count < times; count++) hash.update(input);
  const digest = hash.digest();
  const output = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += digest.length) {
    digest.copy(output, offset, 0, Math.min(digest.length, length - offset));
  }
  return output;
}
