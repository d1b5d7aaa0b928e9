import {
  loadConfig,
  resolveConfigPath,
  type Config,
} from '../config/config.ts';
import { readSiteKeys, type SiteKeys } from '../crypto/site-key.ts';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import {
  canonicalizeUsername,
  MAX_USERNAME_LENGTH,
  type UsernameResult,
} from '../policy/username.ts';
import { findAccount, type Account } from '../storage/accounts.ts';
import { Database } from '../storage/database.ts';

/** Options every command takes. */
export interface GlobalOptions {
  config?: string;
  json?: boolean;
}

export interface CommandContext {
  config: Config;
  database: Database;
  json: boolean;
  siteKeys(): SiteKeys;
}

/**
 * Loads the config, opens the database, runs a command and closes the
 * connection on every path.
 */
export async function withCommandContext(
  options: GlobalOptions,
  work: (context: CommandContext) => Promise<void>,
): Promise<void> {
  const config = loadConfig(resolveCLIConfigPath(options.config));
  const database = await Database.open(config.database);
  let siteKeys: SiteKeys | undefined;
  const context: CommandContext = {
    config,
    database,
    json: options.json === true,
    siteKeys: () => (siteKeys ??= readSiteKeys(config.siteKeyFile)),
  };
  try {
    await work(context);
  } finally {
    await database.close();
  }
}

/**
 * Resolves the config path from --config or PASSGATE_CONFIG, and rejects an
 * empty one as a usage error rather than a file that cannot be read.
 */
export function resolveCLIConfigPath(flag: string | undefined): string {
  const path = resolveConfigPath(flag);
  if (path === '') {
    throw new PassgateError(
      ERROR_CODES.USAGE,
      'config file path is empty: set --config or PASSGATE_CONFIG ' +
        'to a file, or leave both unset',
    );
  }
  return path;
}

/** Prints human text, or one JSON document with --json. */
export function printResult(
  context: { json: boolean },
  human: string,
  json: unknown,
): void {
  const text = context.json ? JSON.stringify(json, null, 2) : human;
  process.stdout.write(`${text}\n`);
}

/** Canonicalises a username typed on the command line, or throws. */
export function parseUsername(raw: string): string {
  const canonical = canonicalizeUsername(raw);
  if (!canonical.ok) {
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      `invalid username ${JSON.stringify(raw)}: ` +
        USERNAME_PROBLEMS[canonical.reason],
    );
  }
  return canonical.username;
}

type UsernameProblem = Extract<UsernameResult, { ok: false }>['reason'];

const USERNAME_PROBLEMS: Record<UsernameProblem, string> = {
  empty: 'the username is empty',
  'invalid-character':
    'the username starts or ends with whitespace, or contains a control, ' +
    'format or invisible character',
  'too-long': `the username is longer than ${MAX_USERNAME_LENGTH} characters`,
};

/** Finds the account or throws NOT_FOUND naming it. */
export async function requireAccount(
  database: Database,
  rawUsername: string,
): Promise<Account> {
  const username = parseUsername(rawUsername);
  const account = await findAccount(database, username);
  if (account === null) {
    throw new PassgateError(
      ERROR_CODES.NOT_FOUND,
      `no account ${JSON.stringify(username)}; create it with ` +
        `"passgate user add ${username}"`,
    );
  }
  return account;
}

export function formatDate(date: Date | null): string {
  return date === null ? '-' : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
