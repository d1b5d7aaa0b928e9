import { createHmac, randomInt } from 'node:crypto';

/**
 * Crockford's base32 alphabet: digits and lowercase letters without i, l, o
 * and u, so a secret read aloud or retyped has no look-alike characters.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const BITS_PER_CHARACTER = 5;
const GROUP_LENGTH = 4;

/**
 * Generates a random secret of `characters` symbols (5 bits each) shown in
 * groups of four joined by hyphens, e.g. `7k2m-xq9d-...`.
 */
export function generateReadableSecret(characters: number): string {
  let secret = '';
  for (let index = 0; index < characters; index++) {
    if (index > 0 && index % GROUP_LENGTH === 0) secret += '-';
    secret += ALPHABET[randomInt(ALPHABET.length)];
  }
  return secret;
}

/** Entropy of a generated secret of `characters` symbols, in bits. */
export function secretEntropyBits(characters: number): number {
  return characters * BITS_PER_CHARACTER;
}

/**
 * Normalises typed input: drops spaces and hyphens, lowercases, and reads
 * the look-alikes i and l as 1 and o as 0. Returns null when the result is
 * not `characters` symbols of the alphabet.
 */
export function normalizeReadableSecret(
  input: string,
  characters: number,
): string | null {
  const compact = input
    .replace(/[\s-]/g, '')
    .toLowerCase()
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  if (compact.length !== characters) return null;
  for (const character of compact) {
    if (!ALPHABET.includes(character)) return null;
  }
  return compact;
}

/** Computes the stored form of a normalised secret: HMAC-SHA-256. */
export function digestSecret(key: Buffer, normalized: string): Buffer {
  return createHmac('sha256', key).update(normalized, 'utf8').digest();
}
