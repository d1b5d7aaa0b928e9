import { recordSecret } from './secrets.ts';
import { runCheckpassword, type PassgateSite } from './passgate.ts';

/** Where a test login comes from. */
export interface AttemptOptions {
  service?: string;
  remoteIP?: string;
}

/** Cheapest argon2id costs the config accepts, to keep test logins fast. */
export const FAST_ARGON2_CONFIG =
  '[argon2]\nmemory_kib = 8192\npasses = 1\nparallelism = 1\n';

/** Creates an account with `password` through the CLI. */
export async function addAccount(
  site: PassgateSite,
  username: string,
  password: string,
): Promise<void> {
  recordSecret(password);
  await site.cliJSON(['user', 'add', username, '--password-stdin'], password);
}

/** Adds an app password, switches app passwords on, returns the secret. */
export async function addAppPassword(
  site: PassgateSite,
  username: string,
): Promise<{ id: number; password: string }> {
  const created = await site.cliJSON(['app-password', 'add', username]);
  await site.cliJSON(['app-password', 'on', username]);
  return { id: created.id, password: created.password };
}

/** Runs one checkpassword login and returns its exit status. */
export async function attemptLogin(
  site: PassgateSite,
  username: string,
  secret: string,
  options: AttemptOptions = {},
): Promise<number | null> {
  const environment: Record<string, string> = {
    SERVICE: options.service ?? 'imap',
    PATH: '/usr/bin:/bin',
  };
  if (options.remoteIP !== undefined) {
    environment.TCPREMOTEIP = options.remoteIP;
  }
  const data = Buffer.from(`${username}\0${secret}\0${Date.now()}\0`);
  const result = await runCheckpassword(site.configPath, data, environment);
  return result.exitCode;
}
