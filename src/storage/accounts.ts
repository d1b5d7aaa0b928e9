import type { Database } from './database.ts';

/** An account row as the login path and the CLI see it. */
export interface Account {
  id: number;
  username: string;
  passwordHash: string;
  enabled: boolean;
  twoFactorEnabled: boolean;
  appPasswordsEnabled: boolean;
  totpKeySealed: Buffer | null;
  totpLastStep: number | null;
  createdAt: Date;
  updatedAt: Date;
}

interface AccountRow {
  id: number;
  username: string;
  password_hash: string;
  enabled: number;
  two_factor_enabled: number;
  app_passwords_enabled: number;
  totp_key_sealed: Buffer | null;
  totp_last_step: number | null;
  created_at: Date;
  updated_at: Date;
}

const ACCOUNT_COLUMNS =
  'id, username, password_hash, enabled, two_factor_enabled, ' +
  'app_passwords_enabled, totp_key_sealed, totp_last_step, created_at, ' +
  'updated_at';

/** Finds an account by its canonical username. */
export async function findAccount(
  database: Database,
  username: string,
): Promise<Account | null> {
  const rows = await database.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE username = ?`,
    [username],
  );
  return rows[0] === undefined ? null : toAccount(rows[0]);
}

export async function listAccounts(database: Database): Promise<Account[]> {
  const rows = await database.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY username`,
  );
  return rows.map(toAccount);
}

/** Inserts an account; returns false when the username already exists. */
export async function insertAccount(
  database: Database,
  username: string,
  passwordHash: string,
): Promise<boolean> {
  const result = await database.run(
    'INSERT IGNORE INTO accounts (username, password_hash, created_at, ' +
      'updated_at) VALUES (?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))',
    [username, passwordHash],
  );
  return result.affectedRows === 1;
}

/**
 * Replaces the password hash. With `expectedHash`, only when the stored
 * hash is still that value (compare-and-swap for rehashing after a login).
 */
export async function updatePasswordHash(
  database: Database,
  accountId: number,
  passwordHash: string,
  expectedHash?: string,
): Promise<boolean> {
  const sql =
    'UPDATE accounts SET password_hash = ?, updated_at = UTC_TIMESTAMP(3) ' +
    'WHERE id = ?' +
    (expectedHash === undefined ? '' : ' AND password_hash = ?');
  const values = [passwordHash, accountId];
  if (expectedHash !== undefined) values.push(expectedHash);
  const result = await database.run(sql, values);
  return result.affectedRows === 1;
}

export type AccountFlag =
  'enabled' | 'two_factor_enabled' | 'app_passwords_enabled';

export async function setAccountFlag(
  database: Database,
  accountId: number,
  flag: AccountFlag,
  value: boolean,
): Promise<void> {
  // `flag` is one of three fixed column names, never user input.
  await database.run(
    `UPDATE accounts SET ${flag} = ?, updated_at = UTC_TIMESTAMP(3) ` +
      'WHERE id = ?',
    [value, accountId],
  );
}

/**
 * Stores a new TOTP key sealed under the current site key and clears the
 * last accepted step.
 */
export async function setTOTPKey(
  database: Database,
  accountId: number,
  sealedKey: Buffer,
): Promise<void> {
  await database.run(
    'UPDATE accounts SET totp_key_sealed = ?, totp_key_id = NULL, ' +
      'totp_last_step = NULL, updated_at = UTC_TIMESTAMP(3) WHERE id = ?',
    [sealedKey, accountId],
  );
}

/**
 * Records an accepted TOTP step, only if it is later than the last one.
 * Returns false when another login already spent this step or a later one.
 */
export async function claimTOTPStep(
  database: Database,
  accountId: number,
  step: number,
): Promise<boolean> {
  const result = await database.run(
    'UPDATE accounts SET totp_last_step = ? WHERE id = ? AND ' +
      '(totp_last_step IS NULL OR totp_last_step < ?)',
    [step, accountId, step],
  );
  return result.affectedRows === 1;
}

/**
 * Deletes an account and its login history. The history is keyed by
 * username, not by id, so without this a new account of the same name
 * would show the deleted account's logins in `passgate log`.
 */
export async function deleteAccount(
  database: Database,
  accountId: number,
): Promise<void> {
  await database.transaction(async () => {
    await database.run(
      'DELETE FROM login_events WHERE username = ' +
        '(SELECT username FROM accounts WHERE id = ?)',
      [accountId],
    );
    await database.run('DELETE FROM accounts WHERE id = ?', [accountId]);
  });
}

function toAccount(row: AccountRow): Account {
  return {
    id: Number(row.id),
    username: row.username,
    passwordHash: row.password_hash,
    enabled: Boolean(row.enabled),
    twoFactorEnabled: Boolean(row.two_factor_enabled),
    appPasswordsEnabled: Boolean(row.app_passwords_enabled),
    totpKeySealed: row.totp_key_sealed,
    totpLastStep:
      row.totp_last_step === null ? null : Number(row.totp_last_step),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
