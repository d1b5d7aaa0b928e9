import type { ProtocolClass } from '../policy/service-class.ts';
import type { Database } from './database.ts';

/** An app password row; the secret itself is never stored. */
export interface AppPassword {
  id: number;
  accountId: number;
  name: string;
  /** Protocol classes it may log in to; null means every one. */
  scope: ProtocolClass[] | null;
  enabled: boolean;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedService: string | null;
  lastUsedIP: string | null;
}

interface AppPasswordRow {
  id: number;
  account_id: number;
  name: string;
  scope: string | null;
  enabled: number;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_service: string | null;
  last_used_ip: string | null;
}

const COLUMNS =
  'id, account_id, name, scope, enabled, created_at, expires_at, ' +
  'last_used_at, last_used_service, last_used_ip';

export interface NewAppPassword {
  accountId: number;
  name: string;
  digest: Buffer;
  scope: ProtocolClass[] | null;
  expiresAt: Date | null;
}

/** Inserts an app password and returns its id. */
export async function insertAppPassword(
  database: Database,
  appPassword: NewAppPassword,
): Promise<number> {
  const scope = appPassword.scope === null ? null : appPassword.scope.join(',');
  const result = await database.run(
    `INSERT INTO app_passwords (account_id, name, digest, scope, enabled,
      created_at, expires_at) VALUES (?, ?, ?, ?, TRUE, UTC_TIMESTAMP(3), ?)`,
    [
      appPassword.accountId,
      appPassword.name,
      appPassword.digest,
      scope,
      appPassword.expiresAt,
    ],
  );
  return result.insertId;
}

/** Finds an account's app password by its digest: one indexed lookup. */
export async function findAppPasswordByDigest(
  database: Database,
  accountId: number,
  digest: Buffer,
): Promise<AppPassword | null> {
  const rows = await database.query<AppPasswordRow>(
    `SELECT ${COLUMNS} FROM app_passwords WHERE account_id = ? AND digest = ?`,
    [accountId, digest],
  );
  return rows[0] === undefined ? null : toAppPassword(rows[0]);
}

export async function listAppPasswords(
  database: Database,
  accountId: number,
): Promise<AppPassword[]> {
  const rows = await database.query<AppPasswordRow>(
    `SELECT ${COLUMNS} FROM app_passwords WHERE account_id = ? ORDER BY id`,
    [accountId],
  );
  return rows.map(toAppPassword);
}

/** Switches one app password; returns false when the account has no such id. */
export async function setAppPasswordEnabled(
  database: Database,
  accountId: number,
  id: number,
  enabled: boolean,
): Promise<boolean> {
  const result = await database.run(
    'UPDATE app_passwords SET enabled = ? WHERE account_id = ? AND id = ?',
    [enabled, accountId, id],
  );
  return (
    result.affectedRows === 1 || (await hasAppPassword(database, accountId, id))
  );
}

export async function deleteAppPassword(
  database: Database,
  accountId: number,
  id: number,
): Promise<boolean> {
  const result = await database.run(
    'DELETE FROM app_passwords WHERE account_id = ? AND id = ?',
    [accountId, id],
  );
  return result.affectedRows === 1;
}

/** Records a successful login with an app password. */
export async function recordAppPasswordUse(
  database: Database,
  id: number,
  service: string,
  remoteIP: string | null,
): Promise<void> {
  await database.run(
    'UPDATE app_passwords SET last_used_at = UTC_TIMESTAMP(3), ' +
      'last_used_service = ?, last_used_ip = ? WHERE id = ?',
    [
      service.slice(0, 16),
      remoteIP === null ? null : remoteIP.slice(0, 45),
      id,
    ],
  );
}

async function hasAppPassword(
  database: Database,
  accountId: number,
  id: number,
): Promise<boolean> {
  const rows = await database.query<{ id: number }>(
    'SELECT id FROM app_passwords WHERE account_id = ? AND id = ?',
    [accountId, id],
  );
  return rows.length === 1;
}

function toAppPassword(row: AppPasswordRow): AppPassword {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    name: row.name,
    scope:
      row.scope === null ? null : (row.scope.split(',') as ProtocolClass[]),
    enabled: Boolean(row.enabled),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastUsedService: row.last_used_service,
    lastUsedIP: row.last_used_ip,
  };
}
