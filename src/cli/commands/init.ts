import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommandModule } from 'yargs';
import { loadConfig } from '../../config/config.ts';
import { DEFAULTS } from '../../config/defaults.ts';
import { createSiteKeyFile } from '../../crypto/site-key.ts';
import {
  printResult,
  resolveCLIConfigPath,
  type GlobalOptions,
} from '../context.ts';

interface InitOptions extends GlobalOptions {
  siteKey?: string;
}

export const initCommand: CommandModule<GlobalOptions, InitOptions> = {
  command: 'init',
  describe:
    'Create the site key (mode 0600) and a commented config file when absent',
  builder: (yargs) =>
    yargs.option('site-key', {
      type: 'string',
      describe: `Site key path for a new config (default ${DEFAULTS.siteKeyFile})`,
    }),
  handler: (options) => {
    const configFile = resolveCLIConfigPath(options.config);
    const created: string[] = [];

    if (!existsSync(configFile)) {
      mkdirSync(dirname(configFile), { recursive: true, mode: 0o755 });
      const siteKeyFile = options.siteKey ?? DEFAULTS.siteKeyFile;
      writeFileSync(configFile, renderConfigTemplate(siteKeyFile), {
        mode: 0o640,
        flag: 'wx',
      });
      created.push(configFile);
    }

    const siteKeyFile = loadConfig(configFile).siteKeyFile;
    if (!existsSync(siteKeyFile)) {
      mkdirSync(dirname(siteKeyFile), { recursive: true, mode: 0o755 });
      createSiteKeyFile(siteKeyFile);
      created.push(siteKeyFile);
    }

    const human =
      created.length === 0
        ? `Nothing to do: ${configFile} and ${siteKeyFile} exist.`
        : `Created ${created.join(' and ')}.\n` +
          `Back up ${siteKeyFile}: without it no app password, one-time ` +
          'password or TOTP key can be checked.';
    printResult({ json: options.json === true }, human, {
      created,
      configFile,
      siteKeyFile,
    });
  },
};

function renderConfigTemplate(siteKeyFile: string): string {
  return `# passgate configuration (TOML).
# Readable by the daemon users that run passgate (dovecot, ...), by no one else.

# 32 random bytes, mode 0600. Back it up: without it no app password,
# one-time password or TOTP key can be checked.
site_key_file = ${JSON.stringify(siteKeyFile)}

# Seconds after which a login gives up with a temporary failure (exit 111).
# deadline_seconds = ${DEFAULTS.deadlineSeconds}

[database]
socket = "${DEFAULTS.databaseSocket}"   # or host = "127.0.0.1" and port = 3306
user = "passgate"
password_file = "/etc/passgate/db.password"   # or password = "..."
name = "passgate"
# connect_timeout_seconds = ${DEFAULTS.connectTimeoutSeconds}
# Seconds one SQL statement may take (e.g. waiting for a table lock).
# query_timeout_seconds = ${DEFAULTS.queryTimeoutSeconds}

[userdb]
uid = ${DEFAULTS.uid}
gid = ${DEFAULTS.gid}
home = "${DEFAULTS.home}"   # %u user, %n local part, %d domain

[webmail]
# Logins from these networks are class webmail: account password only.
networks = []   # e.g. ["192.0.2.10/32"]

[log]
# One line per decision; leave out for none.
# file = "/var/log/passgate.log"

# [services]
# Extra service names and their class (imap, pop3, smtp, sieve, dav, ftp, webmail).
# submission = "smtp"

# [argon2]
# memory_kib = ${DEFAULTS.argon2.memoryKiB}
# passes = ${DEFAULTS.argon2.passes}
# parallelism = ${DEFAULTS.argon2.parallelism}

# [totp]
# issuer = "passgate"
# window_steps = ${DEFAULTS.totpWindowSteps}

# [otp]
# count = ${DEFAULTS.otpCount}

# [pure_ftpd]
# Unknown accounts: "fail" (auth_ok:-1) or "next" (auth_ok:0, next -l method).
# unknown_account = "fail"
# deadline_seconds = 2   # pure-authd runs one login at a time
# service = "ftp"

# [throttle]
# Failed logins allowed per sliding window; past them logins are refused
# (reason "throttled") until the window cools or "passgate unthrottle".
# address_failures = ${DEFAULTS.throttle.addressFailures}   # per remote address (IPv6: per /64)
# account_failures = ${DEFAULTS.throttle.accountFailures}   # per username, from anywhere
# window_seconds = ${DEFAULTS.throttle.windowSeconds}

# [history]
# Days of login history kept for "passgate log".
# keep_days = ${DEFAULTS.historyKeepDays}

# [dovecot]
# cache_flush: flush Dovecot's auth cache for an account after each change
# to its passwords, app passwords or 2FA (needed with auth_cache_size > 0).
# kick: end the open IMAP/POP3 sessions of an account with "doveadm kick"
# when a secret is revoked (password changed, app password disabled, ...).
# doveadm needs access to Dovecot's sockets: run the CLI as root.
# cache_flush = false
# kick = false
# doveadm_path = "${DEFAULTS.doveadmPath}"
# config_file = "/etc/dovecot/dovecot.conf"
`;
}
