import {
  digestSecret,
  generateReadableSecret,
  normalizeReadableSecret,
} from './readable-secret.ts';

/** Symbols in a one-time password: 12 symbols of 5 bits give 60 bits. */
export const ONE_TIME_PASSWORD_CHARACTERS = 12;

export function generateOneTimePassword(): string {
  return generateReadableSecret(ONE_TIME_PASSWORD_CHARACTERS);
}

/** Computes the stored digest of a typed one-time password, or null. */
export function digestOneTimePassword(
  key: Buffer,
  typed: string,
): Buffer | null {
  const normalized = normalizeReadableSecret(
    typed,
    ONE_TIME_PASSWORD_CHARACTERS,
  );
  if (normalized === null) return null;
  return digestSecret(key, normalized);
}
