import { digestAppPassword } from '../crypto/app-password.ts';
import { listSiteKeys } from '../crypto/site-key-ring.ts';
import type { SiteKeys } from '../crypto/site-key.ts';
import {
  findAppPasswordByDigest,
  type AppPassword,
} from '../storage/app-passwords.ts';
import type { Database } from '../storage/database.ts';
import { moveAppPasswordDigest } from '../storage/site-key-usage.ts';

const NO_MATCH_DIGEST = Buffer.alloc(32);

/**
 * Finds the account's app password that matches a typed one: one indexed
 * lookup per site key, the current key first. A match under an old key is
 * moved to the current key's digest, so the old key can later be retired.
 */
export async function findAppPasswordWithSiteKeys(
  database: Database,
  siteKeys: SiteKeys,
  accountId: number,
  typed: string,
): Promise<AppPassword | null> {
  const currentDigest = digestAppPassword(siteKeys.appPassword, typed);
  if (currentDigest === null) {
    // The lookup still runs, so a secret without the app-password form
    // costs the same as a wrong app password (no HMAC output is all zero
    // in practice).
    await findAppPasswordByDigest(database, accountId, NO_MATCH_DIGEST);
    return null;
  }

  for (const [index, keys] of listSiteKeys(siteKeys).entries()) {
    const digest = digestAppPassword(keys.appPassword, typed);
    if (digest === null) return null;
    const appPassword = await findAppPasswordByDigest(
      database,
      accountId,
      digest,
    );
    if (appPassword === null) continue;
    if (index > 0) {
      await moveAppPasswordDigest(
        database,
        appPassword.id,
        digest,
        currentDigest,
      );
    }
    return appPassword;
  }
  return null;
}
