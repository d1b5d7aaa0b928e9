/**
 * Defaults for every config key that may be left out. Security constants
 * (TOTP window, argon2id costs) state their unit and source.
 */
export const DEFAULTS = {
  siteKeyFile: '/etc/passgate/site.key',
  databaseSocket: '/run/mysqld/mysqld.sock',
  /** Hard deadline of one login, in seconds; then the login exits 111. */
  deadlineSeconds: 5,
  /** Database connect and handshake timeout, in seconds. */
  connectTimeoutSeconds: 3,
  /**
   * Time one SQL statement may take, in seconds, for example while another
   * session holds a table lock. A login also stops at its deadline.
   */
  queryTimeoutSeconds: 10,
  uid: 5000,
  gid: 5000,
  home: '/var/vmail/%d/%n',
  /**
   * argon2id costs: 19 MiB, 2 passes, 1 lane, the minimum that the OWASP
   * Password Storage Cheat Sheet recommends for argon2id.
   */
  argon2: { memoryKiB: 19456, passes: 2, parallelism: 1 },
  /** Accepted TOTP steps before and after the current one (RFC 6238 5.2). */
  totpWindowSteps: 1,
  /** One-time passwords in one generated list. */
  otpCount: 10,
  /**
   * Failed-login limits per sliding window of 15 minutes. NIST SP 800-63B
   * section 5.2.2 limits consecutive failures on one account to 100, and
   * 50 per window stays below that. This is a rate limit, not a lockout,
   * so each new window allows 50 more. One address gets 10, a fifth of the
   * account's budget, so an attacker at one address cannot lock the user out.
   */
  throttle: { addressFailures: 10, accountFailures: 50, windowSeconds: 900 },
  /** Days of login history kept for `passgate log`. */
  historyKeepDays: 30,
  doveadmPath: '/usr/bin/doveadm',
} as const;
