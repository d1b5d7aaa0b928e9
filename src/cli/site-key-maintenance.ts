import { sealSecret } from '../crypto/secret-box.ts';
import { openWithSiteKeys } from '../crypto/site-key-ring.ts';
import type { SiteKeys } from '../crypto/site-key.ts';
import type { Database } from '../storage/database.ts';
import {
  countOldKeyRows,
  listOldSealedTOTPKeys,
  replaceSealedTOTPKey,
  type SiteKeyUsage,
} from '../storage/site-key-usage.ts';
import { totpKeyContext } from '../crypto/totp.ts';

/**
 * Seals every TOTP key that an old site key sealed again under the current
 * key. A key that no site key opens is counted as unreadable and left as
 * it is. A row that changed meanwhile keeps its new value.
 */
export async function rewrapTOTPKeys(
  database: Database,
  siteKeys: SiteKeys,
): Promise<{ rewrapped: number; unreadable: number }> {
  const counts = { rewrapped: 0, unreadable: 0 };
  for (const row of await listOldSealedTOTPKeys(database)) {
    const context = totpKeyContext(row.accountId);
    const opened = openWithSiteKeys(siteKeys, row.sealed, context);
    if (opened === null) {
      counts.unreadable++;
      continue;
    }
    const sealed = sealSecret(siteKeys.totp, opened.plaintext, context);
    opened.plaintext.fill(0);
    if (
      await replaceSealedTOTPKey(database, row.accountId, row.sealed, sealed)
    ) {
      counts.rewrapped++;
    }
  }
  return counts;
}

/** Totals of rows per old key id, over all three kinds of secret. */
export function sumUsageByKey(usage: SiteKeyUsage): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const counts of [
    usage.appPasswords,
    usage.oneTimePasswords,
    usage.totpKeys,
  ]) {
    for (const [keyId, count] of Object.entries(counts)) {
      totals[keyId] = (totals[keyId] ?? 0) + count;
    }
  }
  return totals;
}

/** Reads the rows on old keys; see countOldKeyRows. */
export function readSiteKeyUsage(database: Database): Promise<SiteKeyUsage> {
  return countOldKeyRows(database);
}
