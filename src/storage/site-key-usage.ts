import type { Database } from './database.ts';

// Rows carry the id of the site key that made their digest or sealed
// their TOTP key in key_id (totp_key_id for accounts). NULL means the
// current site key: every row made since the last rotation. A rotation
// first labels the NULL rows with the key id that is about to become old.

/** Rows that still need each old site key, by key id. */
export interface SiteKeyUsage {
  appPasswords: Record<string, number>;
  oneTimePasswords: Record<string, number>;
  totpKeys: Record<string, number>;
}

/** Labels rows made under the current key before a new key replaces it. */
export async function labelCurrentKeyRows(
  database: Database,
  keyId: string,
): Promise<void> {
  await database.run(
    'UPDATE app_passwords SET key_id = ? WHERE key_id IS NULL',
    [keyId],
  );
  await database.run(
    'UPDATE one_time_passwords SET key_id = ? WHERE key_id IS NULL',
    [keyId],
  );
  await database.run(
    'UPDATE accounts SET totp_key_id = ? ' +
      'WHERE totp_key_id IS NULL AND totp_key_sealed IS NOT NULL',
    [keyId],
  );
}

/** Counts the rows on old keys; spent one-time passwords do not count. */
export async function countOldKeyRows(
  database: Database,
): Promise<SiteKeyUsage> {
  return {
    appPasswords: await countByKey(
      database,
      'SELECT key_id, COUNT(*) AS count FROM app_passwords ' +
        'WHERE key_id IS NOT NULL GROUP BY key_id',
    ),
    oneTimePasswords: await countByKey(
      database,
      'SELECT key_id, COUNT(*) AS count FROM one_time_passwords ' +
        'WHERE key_id IS NOT NULL AND used_at IS NULL GROUP BY key_id',
    ),
    totpKeys: await countByKey(
      database,
      'SELECT totp_key_id AS key_id, COUNT(*) AS count FROM accounts ' +
        'WHERE totp_key_id IS NOT NULL AND totp_key_sealed IS NOT NULL ' +
        'GROUP BY totp_key_id',
    ),
  };
}

/**
 * Moves an app password to the digest of the current key, only while it
 * still has the old digest (compare-and-swap against a parallel login).
 */
export async function moveAppPasswordDigest(
  database: Database,
  id: number,
  oldDigest: Buffer,
  newDigest: Buffer,
): Promise<boolean> {
  const result = await database.run(
    'UPDATE app_passwords SET digest = ?, key_id = NULL ' +
      'WHERE id = ? AND digest = ?',
    [newDigest, id, oldDigest],
  );
  return result.affectedRows === 1;
}

/** Lists the sealed TOTP keys that an old site key sealed. */
export async function listOldSealedTOTPKeys(
  database: Database,
): Promise<{ accountId: number; sealed: Buffer }[]> {
  const rows = await database.query<{ id: number; totp_key_sealed: Buffer }>(
    'SELECT id, totp_key_sealed FROM accounts ' +
      'WHERE totp_key_id IS NOT NULL AND totp_key_sealed IS NOT NULL',
  );
  return rows.map((row) => ({
    accountId: Number(row.id),
    sealed: row.totp_key_sealed,
  }));
}

/**
 * Stores a TOTP key sealed under the current site key, only while the row
 * still contains the old sealed value.
 */
export async function replaceSealedTOTPKey(
  database: Database,
  accountId: number,
  oldSealed: Buffer,
  newSealed: Buffer,
): Promise<boolean> {
  const result = await database.run(
    'UPDATE accounts SET totp_key_sealed = ?, totp_key_id = NULL ' +
      'WHERE id = ? AND totp_key_sealed = ?',
    [newSealed, accountId, oldSealed],
  );
  return result.affectedRows === 1;
}

async function countByKey(
  database: Database,
  sql: string,
): Promise<Record<string, number>> {
  const rows = await database.query<{ key_id: string; count: number }>(sql);
  return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.count)]));
}
