import type { Database } from './database.ts';

/** Replaces an account's one-time passwords with a new list of digests. */
export async function replaceOneTimePasswords(
  database: Database,
  accountId: number,
  digests: Buffer[],
): Promise<void> {
  await database.transaction(async () => {
    await database.run('DELETE FROM one_time_passwords WHERE account_id = ?', [
      accountId,
    ]);
    for (const digest of digests) {
      await database.run(
        'INSERT INTO one_time_passwords (account_id, digest, created_at) ' +
          'VALUES (?, ?, UTC_TIMESTAMP(3))',
        [accountId, digest],
      );
    }
  });
}

export async function countUnusedOneTimePasswords(
  database: Database,
  accountId: number,
): Promise<number> {
  const rows = await database.query<{ unused: number }>(
    'SELECT COUNT(*) AS unused FROM one_time_passwords ' +
      'WHERE account_id = ? AND used_at IS NULL',
    [accountId],
  );
  return Number(rows[0]?.unused ?? 0);
}

/**
 * Spends a one-time password with one conditional update. The affected-row
 * count decides, so of two parallel logins with one code only one wins.
 */
export async function consumeOneTimePassword(
  database: Database,
  accountId: number,
  digest: Buffer,
): Promise<boolean> {
  const result = await database.run(
    'UPDATE one_time_passwords SET used_at = UTC_TIMESTAMP(3) ' +
      'WHERE account_id = ? AND digest = ? AND used_at IS NULL',
    [accountId, digest],
  );
  return result.affectedRows === 1;
}

/** Tells whether the account has this one-time password, already spent. */
export async function isOneTimePasswordUsed(
  database: Database,
  accountId: number,
  digest: Buffer,
): Promise<boolean> {
  const rows = await database.query<{ used: number }>(
    'SELECT 1 AS used FROM one_time_passwords ' +
      'WHERE account_id = ? AND digest = ? AND used_at IS NOT NULL',
    [accountId, digest],
  );
  return rows.length > 0;
}
