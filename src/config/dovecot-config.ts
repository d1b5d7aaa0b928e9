import { DEFAULTS } from './defaults.ts';
import type { TOMLReader } from './toml-reader.ts';

/** Settings for ending an account's open Dovecot sessions. */
export interface DovecotConfig {
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
    ['kick', 'doveadm_path', 'config_file'],
    prefix,
  );

  const kick = table.kick ?? false;
  if (typeof kick !== 'boolean') {
    reader.fail('dovecot.kick', `must be true or false, got ${String(kick)}`);
  }
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

  return { kick, doveadmPath, configFile };
}
