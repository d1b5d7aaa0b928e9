import { timingSafeEqual } from 'node:crypto';
import {
  createGuardrails,
  generateSecret,
  generateSync,
  generateURI,
} from 'otplib';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';

/** Bytes of a TOTP key that passgate generates: 20 bytes, 160 bits. */
export const TOTP_KEY_BYTES = 20;

/**
 * Minimum bits of an imported TOTP key. RFC 4226 section 4 asks for 128,
 * but keys of 80 bits (16 base32 characters) are common in other systems.
 */
export const MIN_TOTP_KEY_BITS = 80;

/** Maximum bytes of an imported TOTP key: otplib's upper limit. */
export const MAX_TOTP_KEY_BYTES = 64;

/** Length of a TOTP time step in seconds (RFC 6238 default). */
export const TOTP_PERIOD_SECONDS = 30;

/** Digits of a TOTP code (RFC 6238 default, what every app shows). */
export const TOTP_DIGITS = 6;

/**
 * Steps beyond the accepted window that are still searched, so that a code
 * from a device whose clock is off by up to five minutes is logged as clock
 * drift instead of as a wrong code. Such a code is never accepted.
 */
export const TOTP_DRIFT_SEARCH_STEPS = 10;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// otplib rejects keys under 16 bytes by default, so imported 80-bit keys
// need a lower limit.
const GUARDRAILS = createGuardrails({
  MIN_SECRET_BYTES: MIN_TOTP_KEY_BITS / 8,
});

/** Generates a TOTP key as base32 text (RFC 4648, no padding). */
export function generateTOTPKey(): string {
  return generateSecret({ length: TOTP_KEY_BYTES });
}

/**
 * Builds the otpauth:// URI that authenticator apps scan: SHA-1, 6 digits,
 * 30-second steps, the RFC 6238 defaults that every app supports.
 */
export function buildTOTPURI(
  issuer: string,
  username: string,
  key: string,
): string {
  return generateURI({ issuer, label: username, secret: key });
}

/** Names the context of a sealed TOTP key, so a key moved to another row fails. */
export function totpKeyContext(accountId: number): string {
  return `totp-key:${accountId}`;
}

/** Computes the RFC 6238 step number of a time given in Unix seconds. */
export function computeTOTPStep(unixSeconds: number): number {
  return Math.floor(unixSeconds / TOTP_PERIOD_SECONDS);
}

/** Computes the 6-digit SHA-1 TOTP code of one time step (RFC 6238). */
export function generateTOTPCode(key: Uint8Array, step: number): string {
  return generateSync({
    secret: key,
    epoch: step * TOTP_PERIOD_SECONDS,
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: 'sha1',
    guardrails: GUARDRAILS,
  });
}

/**
 * Turns a typed TOTP code into its digits: spaces and hyphens are dropped,
 * so `123 456` is `123456`. Returns null when the rest is not six digits.
 */
export function normalizeTOTPCode(typed: string): string | null {
  const compact = typed.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(compact) ? compact : null;
}

/**
 * Finds the step, among `currentStep` plus or minus `searchSteps`, whose
 * code equals `code`; the nearest step wins and past beats future at equal
 * distance. Returns the step offset from `currentStep` (negative: the
 * device clock is behind), or null when no step matches.
 */
export function findTOTPStepOffset(
  key: Uint8Array,
  code: string,
  currentStep: number,
  searchSteps: number,
): number | null {
  const typed = Buffer.from(code, 'utf8');
  for (let distance = 0; distance <= searchSteps; distance++) {
    const offsets = distance === 0 ? [0] : [-distance, distance];
    for (const offset of offsets) {
      const expected = Buffer.from(
        generateTOTPCode(key, currentStep + offset),
        'utf8',
      );
      if (
        expected.length === typed.length &&
        timingSafeEqual(expected, typed)
      ) {
        return offset;
      }
    }
  }
  return null;
}

/**
 * Decodes a TOTP key typed or pasted from another system: base32 (RFC 4648)
 * in any letter case, with spaces or hyphens anywhere, with or without `=`
 * padding. Bits left over after the last whole byte are dropped, as
 * authenticator apps drop them. Throws INVALID_ARGUMENT naming the problem,
 * never the key, for anything else or for fewer than 80 bits.
 */
export function decodeTOTPKey(text: string): Buffer {
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  const data = compact.replace(/=+$/, '');
  const paddingLength = compact.length - data.length;

  checkBase32Characters(data);
  checkBase32Length(data.length, paddingLength);

  const key = decodeBase32(data);
  if (key.length * 8 < MIN_TOTP_KEY_BITS) {
    throw invalidKey(
      `it has ${key.length * 8} bits; a TOTP key needs at least ` +
        `${MIN_TOTP_KEY_BITS} bits (16 base32 characters)`,
    );
  }
  if (key.length > MAX_TOTP_KEY_BYTES) {
    throw invalidKey(
      `it has ${key.length * 8} bits; the limit is ${MAX_TOTP_KEY_BYTES * 8}`,
    );
  }
  return key;
}

/** Encodes key bytes as base32 text (RFC 4648, upper case, no padding). */
export function encodeBase32(bytes: Uint8Array): string {
  let text = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) text += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return text;
}

function decodeBase32(data: string): Buffer {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const character of data) {
    buffer = (buffer << 5) | BASE32_ALPHABET.indexOf(character);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 255);
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

function checkBase32Characters(data: string): void {
  for (const [index, character] of [...data].entries()) {
    if (!BASE32_ALPHABET.includes(character)) {
      const what = character === '=' ? '"=" before the end' : 'a character';
      throw invalidKey(
        `it has ${what} outside base32 (A-Z and 2-7) at position ${index + 1}`,
      );
    }
  }
}

// RFC 4648 section 6: the last group of 8 characters contains 2, 4, 5, 7
// or 8 data characters, and padding fills it to 8 exactly.
function checkBase32Length(dataLength: number, paddingLength: number): void {
  const remainder = dataLength % 8;
  if (remainder === 1 || remainder === 3 || remainder === 6) {
    throw invalidKey(
      `${dataLength} base32 characters cannot be whole bytes ` +
        '(a key is 8 characters per 5 bytes); is a character missing?',
    );
  }
  const expectedPadding = remainder === 0 ? 0 : 8 - remainder;
  if (paddingLength !== 0 && paddingLength !== expectedPadding) {
    throw invalidKey(
      `it ends in ${paddingLength} "=", where base32 padding needs ` +
        `${expectedPadding}`,
    );
  }
}

function invalidKey(problem: string): PassgateError {
  return new PassgateError(
    ERROR_CODES.INVALID_ARGUMENT,
    `invalid TOTP key: ${problem}`,
  );
}
