import { DEFAULTS } from './defaults.ts';
import type { TOMLReader } from './toml-reader.ts';

/** Settings for notifying Dovecot of a change to an account's secrets. */
export interface DovecotConfig {
  /** Run `doveadm auth cache flush USER` after each security change. */
  cacheFlush: boolean;
  /** Run `doveadm kick USER` after a change that revokes a secret. */
  kick: boolean;
  doveadmPath: string;
  /** Dovecot config that doveadm reads (`doveadm -c`); unset: its default. */
  configFile?: string;
}

export function readDovecot(
  reader: TOMLReader,
  document: Record<string, unknown>,
): DovecotConfig {
  const prefix = 'dovecot.';
  const table = reader.table(document, 'dovecot');
  reader.rejectUnknownKeys(
    table,
    ['cache_flush', 'kick', 'doveadm_path', 'config_file'],
    prefix,
  );

  const cacheFlush = readBoolean(reader, table, 'cache_flush');
  const kick = readBoolean(reader, table, 'kick');
  const doveadmPath =
    reader.optionalString(table, 'doveadm_path', prefix) ??
    DEFAULTS.doveadmPath;
  const configFile = reader.optionalString(table, 'config_file', prefix);
  for (const [key, path] of [
    ['doveadm_path', doveadmPath],
    ['config_file', configFile],
  ] as const) {
    if (path !== undefined && !path.startsWith('/')) {
      reader.fail(prefix + key, `must be an absolute path, got "${path}"`);
    }
  }

  return { cacheFlush, kick, doveadmPath, configFile };
}

function readBoolean(
  reader: TOMLReader,
  table: Record<string, unknown>,
  key: string,
): boolean {
  const value = table[key] ?? false;
  if (typeof value !== 'boolean') {
    reader.fail(
      `dovecot.${key}`,
      `must be true or false, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
