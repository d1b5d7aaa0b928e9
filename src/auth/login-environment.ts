import { loadConfig, type Config } from '../config/config.ts';
import { readSiteKeys, type SiteKeys } from '../crypto/site-key.ts';
import { isPassgateError } from '../errors/index.ts';
import { Logger } from '../log/logger.ts';
import type { Reason } from '../policy/reasons.ts';
import { Database } from '../storage/database.ts';

export interface LoginEnvironment {
  config: Config;
  siteKeys: SiteKeys;
  logger: Logger;
}

/** Loads the config and the site key and opens the decision log. */
export function loadLoginEnvironment(configFile: string): LoginEnvironment {
  const config = loadConfig(configFile);
  const siteKeys = readSiteKeys(config.siteKeyFile);
  const logger = new Logger({ file: config.log.file });
  return { config, siteKeys, logger };
}

/** Opens the database, runs `work`, and closes the connection on every path. */
export async function withDatabase<T>(
  config: Config,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await Database.open(config.database);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** Names the log reason of an error that ends a login with a tempfail. */
export function reasonForError(error: unknown): Reason {
  if (!isPassgateError(error)) return 'internal-error';
  switch (error.code) {
    case 'DATABASE_UNAVAILABLE':
    case 'DATABASE_FAILED':
    case 'SCHEMA_OUTDATED':
      return 'database-unavailable';
    case 'CONFIG_INVALID':
    case 'CONFIG_UNREADABLE':
    case 'SITE_KEY_INVALID':
      return 'config-error';
    case 'DEADLINE_EXCEEDED':
      return 'deadline-exceeded';
    case 'REQUEST_MALFORMED':
    case 'USAGE':
      return 'malformed-request';
    default:
      return 'internal-error';
  }
}

/** Describes an error for the log without its stack or any value it holds. */
export function describeError(error: unknown): string {
  if (isPassgateError(error)) return error.message;
  if (error instanceof Error) return `unexpected ${error.name}`;
  return 'unexpected non-error exception';
}
