import { ERROR_CODES, type ErrorCode } from '../errors/codes.ts';
import { isPassgateError } from '../errors/app-error.ts';

/**
 * Exit statuses of the checkpassword convention as Dovecot 2.3 reads them:
 * 0 only after the reply program ran, 1 wrong credentials, 2 misuse,
 * 3 unknown user in a lookup, 111 temporary failure.
 */
export const EXIT = {
  OK: 0,
  REJECT: 1,
  MISUSE: 2,
  UNKNOWN_USER: 3,
  TEMPFAIL: 111,
} as const;

export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

const EXIT_BY_ERROR_CODE: Record<ErrorCode, ExitStatus> = {
  [ERROR_CODES.CONFIG_UNREADABLE]: EXIT.TEMPFAIL,
  [ERROR_CODES.CONFIG_INVALID]: EXIT.TEMPFAIL,
  [ERROR_CODES.SITE_KEY_INVALID]: EXIT.TEMPFAIL,
  [ERROR_CODES.DATABASE_UNAVAILABLE]: EXIT.TEMPFAIL,
  [ERROR_CODES.DATABASE_FAILED]: EXIT.TEMPFAIL,
  [ERROR_CODES.SCHEMA_OUTDATED]: EXIT.TEMPFAIL,
  [ERROR_CODES.USAGE]: EXIT.MISUSE,
  [ERROR_CODES.REQUEST_MALFORMED]: EXIT.MISUSE,
  [ERROR_CODES.INVALID_ARGUMENT]: EXIT.MISUSE,
  [ERROR_CODES.NOT_FOUND]: EXIT.REJECT,
  [ERROR_CODES.ALREADY_EXISTS]: EXIT.REJECT,
  [ERROR_CODES.PRECONDITION_FAILED]: EXIT.REJECT,
  [ERROR_CODES.DEADLINE_EXCEEDED]: EXIT.TEMPFAIL,
  [ERROR_CODES.REPLY_FAILED]: EXIT.TEMPFAIL,
  [ERROR_CODES.CACHE_FLUSH_FAILED]: EXIT.TEMPFAIL,
};

/** Maps an error to an exit status. Unknown errors are bugs: 111, never 0. */
export function exitStatusForError(error: unknown): ExitStatus {
  if (isPassgateError(error)) return EXIT_BY_ERROR_CODE[error.code];
  return EXIT.TEMPFAIL;
}
