import {
  digestSecret,
  generateReadableSecret,
  normalizeReadableSecret,
} from './readable-secret.ts';

/** Symbols in an app password: 24 symbols of 5 bits give 120 bits. */
export const APP_PASSWORD_CHARACTERS = 24;

/** Generates an app password, shown as six groups of four symbols. */
export function generateAppPassword(): string {
  return generateReadableSecret(APP_PASSWORD_CHARACTERS);
}

/**
 * Computes the lookup digest of a typed app password, accepted with or
 * without separators and in any case. Returns null when the input cannot be
 * an app password.
 */
export function digestAppPassword(key: Buffer, typed: string): Buffer | null {
  const normalized = normalizeReadableSecret(typed, APP_PASSWORD_CHARACTERS);
  if (normalized === null) return null;
  return digestSecret(key, normalized);
}
