import { DEFAULTS } from './defaults.ts';
import type { TOMLReader } from './toml-reader.ts';

/** Limits on failed logins within one sliding window. */
export interface ThrottleConfig {
  /** Failed logins from one address (IPv6: one /64) before it is refused. */
  addressFailures: number;
  /** Failed logins of one username, from anywhere, before it is refused. */
  accountFailures: number;
  windowSeconds: number;
}

/** How long the login history behind `passgate log` is kept. */
export interface HistoryConfig {
  keepDays: number;
}

export function readThrottle(
  reader: TOMLReader,
  document: Record<string, unknown>,
): ThrottleConfig {
  const prefix = 'throttle.';
  const table = reader.table(document, 'throttle');
  reader.rejectUnknownKeys(
    table,
    ['address_failures', 'account_failures', 'window_seconds'],
    prefix,
  );

  const count = { min: 1, max: 100000 };
  const defaults = DEFAULTS.throttle;
  return {
    addressFailures:
      reader.optionalInteger(table, 'address_failures', count, prefix) ??
      defaults.addressFailures,
    accountFailures:
      reader.optionalInteger(table, 'account_failures', count, prefix) ??
      defaults.accountFailures,
    windowSeconds:
      reader.optionalInteger(
        table,
        'window_seconds',
        { min: 1, max: 86400 },
        prefix,
      ) ?? defaults.windowSeconds,
  };
}

export function readHistory(
  reader: TOMLReader,
  document: Record<string, unknown>,
): HistoryConfig {
  const table = reader.table(document, 'history');
  reader.rejectUnknownKeys(table, ['keep_days'], 'history.');
  return {
    keepDays:
      reader.optionalInteger(
        table,
        'keep_days',
        { min: 1, max: 3650 },
        'history.',
      ) ?? DEFAULTS.historyKeepDays,
  };
}
