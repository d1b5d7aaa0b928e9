/**
 * Reason codes of login decisions, as they appear in the log and in
 * `verify --json`, each with a sentence a person understands. The codes
 * are stable; the sentences may change.
 */
export const REASONS = {
  'account-password': 'accepted with the account password',
  'app-password': 'accepted with an app password',
  'second-factor': 'accepted with the account password and a second factor',
  lookup: 'account found',
  'unknown-account': 'no such account',
  'account-disabled': 'the account is disabled',
  'invalid-username': 'the username is empty, too long or contains spaces',
  'wrong-password': 'wrong password',
  'unknown-hash-scheme':
    'the stored password hash has a format passgate does not know; ' +
    'set a new password with "passgate user passwd"',
  'account-password-not-allowed':
    'the account password is refused here because 2FA or app passwords ' +
    'are on; use an app password',
  'app-passwords-off': 'app passwords are switched off for this account',
  'wrong-app-password': 'no app password of this account matches',
  'app-password-disabled': 'this app password is disabled',
  'app-password-expired': 'this app password has expired',
  'app-password-out-of-scope':
    'this app password is not allowed for the service',
  'app-password-not-for-webmail': 'app passwords cannot log in to webmail',
  'second-factor-required': 'second factor required',
  'wrong-second-factor': 'wrong password or second factor',
  'code-already-used': 'code already used',
  'clock-drift':
    'the code belongs to a time outside the accepted window; check the ' +
    "clock of the user's device",
  'wrong-credentials': 'wrong username, password or code',
  'unknown-service': 'the service name is not mapped to a service class',
  'database-unavailable': 'database unavailable',
  'config-error': 'passgate is misconfigured',
  'deadline-exceeded': 'the login took longer than the deadline',
  'internal-error': 'internal error',
  'malformed-request': 'malformed request',
  throttled:
    'too many failed logins from this address or for this account; ' +
    'refused without checking the secret until the window cools',
} as const;

export type Reason = keyof typeof REASONS;
