import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

/** argon2id costs: memory in KiB, passes over memory, lanes. */
export interface Argon2Params {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

type Argon2Algorithm = 'argon2id' | 'argon2i' | 'argon2d';

/** A parsed PHC string of an argon2 hash (version 19 only). */
export interface ParsedPHC {
  algorithm: Argon2Algorithm;
  params: Argon2Params;
  salt: Buffer;
  hash: Buffer;
}

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const MIN_SALT_BYTES = 8;
const MIN_HASH_BYTES = 4;
const MAX_HASH_BYTES = 1024;
const ARGON2_VERSION = 19;
// Stored hashes come from other systems too: a cap keeps one odd row from
// stalling a login past its deadline.
const MAX_PASSES = 64;

/**
 * Largest argon2 costs that passgate computes, for stored hashes and the
 * config alike. Node runs argon2 on the libuv threadpool, where the login
 * deadline cannot stop it, so the cost itself is bounded. The limit on
 * memory times passes (KiB) covers PHP's default (64 MiB x 4), libsodium
 * MODERATE (256 MiB x 3) and the second recommendation of RFC 9106 (64 MiB
 * x 3), but not libsodium SENSITIVE (1 GiB x 4).
 *
 * Measured with bench/argon2-cost-cap.ts on a 2-core AMD EPYC VM with Node
 * 24.22: one hash at 1 GiB x 2 passes took 2.5 s, and up to 5.7 s while
 * other jobs kept both cores busy.
 */
export const ARGON2_COST_LIMITS = {
  maxMemoryKiB: 1048576,
  maxMemoryPassesKiB: 2097152,
} as const;

/** Hashes a password with argon2id and encodes the result as a PHC string. */
export async function hashPassword(
  password: Uint8Array,
  params: Argon2Params,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveArgon2(
    'argon2id',
    password,
    salt,
    params,
    HASH_BYTES,
  );
  return encodePHC({ algorithm: 'argon2id', params, salt, hash });
}

/**
 * Verifies a password against a stored PHC string in constant time. An
 * unknown or malformed format is a mismatch, never an exception.
 */
export async function verifyPassword(
  password: Uint8Array,
  phc: string,
): Promise<boolean> {
  const parsed = parsePHC(phc);
  if (parsed === null) return false;

  const { algorithm, params, salt, hash } = parsed;
  const candidate = await deriveArgon2(
    algorithm,
    password,
    salt,
    params,
    hash.length,
  );
  return timingSafeEqual(candidate, hash);
}

/** Tells whether a stored hash should be redone with the current costs. */
export function needsRehash(phc: string, params: Argon2Params): boolean {
  const parsed = parsePHC(phc);
  if (parsed === null || parsed.algorithm !== 'argon2id') return true;
  return (
    parsed.params.memoryKiB !== params.memoryKiB ||
    parsed.params.passes !== params.passes ||
    parsed.params.parallelism !== params.parallelism
  );
}

/**
 * Parses `$argon2id$v=19$m=..,t=..,p=..$salt$hash` as PHP, libsodium,
 * node-argon2 and Dovecot write it: parameters in any order, base64 without
 * padding. Returns null for anything else.
 */
export function parsePHC(phc: string): ParsedPHC | null {
  const fields = phc.split('$');
  if (fields.length !== 6 || fields[0] !== '') return null;
  const [, algorithm, version, paramText, saltText, hashText] = fields;

  if (!isArgon2Algorithm(algorithm)) return null;
  if (version !== `v=${ARGON2_VERSION}`) return null;
  const params = parseParams(paramText ?? '');
  const salt = decodeBase64(saltText ?? '');
  const hash = decodeBase64(hashText ?? '');
  if (params === null || salt === null || hash === null) return null;
  if (salt.length < MIN_SALT_BYTES) return null;
  if (hash.length < MIN_HASH_BYTES || hash.length > MAX_HASH_BYTES) {
    return null;
  }

  return { algorithm, params, salt, hash };
}

export function encodePHC(parsed: ParsedPHC): string {
  const { memoryKiB, passes, parallelism } = parsed.params;
  return [
    '',
    parsed.algorithm,
    `v=${ARGON2_VERSION}`,
    `m=${memoryKiB},t=${passes},p=${parallelism}`,
    parsed.salt.toString('base64').replace(/=+$/, ''),
    parsed.hash.toString('base64').replace(/=+$/, ''),
  ].join('$');
}

function deriveArgon2(
  algorithm: Argon2Algorithm,
  password: Uint8Array,
  salt: Buffer,
  params: Argon2Params,
  tagLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parameters = {
      message: password,
      nonce: salt,
      memory: params.memoryKiB,
      passes: params.passes,
      parallelism: params.parallelism,
      tagLength,
    };
    argon2(algorithm, parameters, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function parseParams(text: string): Argon2Params | null {
  const values = new Map<string, number>();
  for (const pair of text.split(',')) {
    const match = /^([mtp])=(\d{1,10})$/.exec(pair);
    if (!match || values.has(match[1] ?? '')) return null;
    values.set(match[1] ?? '', Number(match[2]));
  }

  const memoryKiB = values.get('m');
  const passes = values.get('t');
  const parallelism = values.get('p');
  if (memoryKiB === undefined || passes === undefined) return null;
  if (parallelism === undefined || parallelism < 1 || parallelism > 64) {
    return null;
  }
  if (passes < 1 || passes > MAX_PASSES) return null;
  // Argon2 needs at least 8 KiB of memory per lane (RFC 9106 3.1).
  if (memoryKiB < 8 * parallelism) return null;
  const params = { memoryKiB, passes, parallelism };
  return describeArgon2CostExcess(params) === null ? params : null;
}

/**
 * Describes how argon2 costs exceed ARGON2_COST_LIMITS, or returns null
 * when they are within them.
 */
export function describeArgon2CostExcess(params: Argon2Params): string | null {
  const { maxMemoryKiB, maxMemoryPassesKiB } = ARGON2_COST_LIMITS;
  if (params.memoryKiB > maxMemoryKiB) {
    return `memory ${params.memoryKiB} KiB is above the limit of ${maxMemoryKiB} KiB`;
  }
  const product = params.memoryKiB * params.passes;
  if (product > maxMemoryPassesKiB) {
    return (
      `memory times passes (${params.memoryKiB} KiB x ${params.passes}) ` +
      `is ${product}, above the limit of ${maxMemoryPassesKiB}`
    );
  }
  return null;
}

function decodeBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+$/.test(text)) return null;
  return Buffer.from(text, 'base64');
}

function isArgon2Algorithm(value: unknown): value is Argon2Algorithm {
  return value === 'argon2id' || value === 'argon2i' || value === 'argon2d';
}
