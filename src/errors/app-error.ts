import type { ErrorCode } from './codes.ts';

/**
 * Base class of every error passgate raises on purpose. The message names
 * the value and the limit but never a secret, because it may be printed or
 * logged.
 */
export class PassgateError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PassgateError';
    this.code = code;
  }
}

export function isPassgateError(value: unknown): value is PassgateError {
  return value instanceof PassgateError;
}
