import type { TOMLReader } from './toml-reader.ts';

/** Reply to pure-authd for a login to an account that does not exist. */
export type UnknownAccountAnswer = 'fail' | 'next';

export interface PureFTPdConfig {
  /** "fail" replies auth_ok:-1; "next" replies auth_ok:0 (next -l method). */
  unknownAccount: UnknownAccountAnswer;
  /** Hard deadline of one FTP login in seconds; pure-authd runs one at a time. */
  deadlineSeconds: number;
  /** Service name classified through [services]; "ftp" by default. */
  service: string;
}

export const PURE_FTPD_DEFAULTS: PureFTPdConfig = {
  unknownAccount: 'fail',
  deadlineSeconds: 2,
  service: 'ftp',
};

type TOMLTable = Record<string, unknown>;

/** Reads the [pure_ftpd] table. */
export function readPureFTPd(
  reader: TOMLReader,
  document: TOMLTable,
): PureFTPdConfig {
  const prefix = 'pure_ftpd.';
  const table = reader.table(document, 'pure_ftpd');
  reader.rejectUnknownKeys(
    table,
    ['unknown_account', 'deadline_seconds', 'service'],
    prefix,
  );

  const unknownAccount =
    reader.optionalString(table, 'unknown_account', prefix) ??
    PURE_FTPD_DEFAULTS.unknownAccount;
  if (unknownAccount !== 'fail' && unknownAccount !== 'next') {
    reader.fail(
      'pure_ftpd.unknown_account',
      `must be "fail" or "next", got ${JSON.stringify(unknownAccount)}`,
    );
  }

  return {
    unknownAccount,
    deadlineSeconds:
      reader.optionalNumber(
        table,
        'deadline_seconds',
        { min: 0.5, max: 60 },
        prefix,
      ) ?? PURE_FTPD_DEFAULTS.deadlineSeconds,
    service:
      reader.optionalString(table, 'service', prefix) ??
      PURE_FTPD_DEFAULTS.service,
  };
}
