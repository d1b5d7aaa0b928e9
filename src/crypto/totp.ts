import { generateSecret, generateURI } from 'otplib';

/** Bytes of a TOTP key that passgate generates: 20 bytes, 160 bits. */
export const TOTP_KEY_BYTES = 20;

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
