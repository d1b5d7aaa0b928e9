import { ERROR_CODES, PassgateError } from '../errors/index.ts';

/**
 * Parses a decimal integer typed on the command line and checks it against
 * min and max. The error shows the text as typed, because yargs would
 * turn "abc" into NaN.
 */
export function parseIntegerOption(
  label: string,
  raw: string,
  range: { min: number; max: number },
): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      `${label} must be an integer from ${range.min} to ${range.max}, ` +
        `got ${quoteIfBlank(raw)}`,
    );
  }
  return value;
}

function quoteIfBlank(raw: string): string {
  return /^\S+$/.test(raw) ? raw : JSON.stringify(raw);
}
