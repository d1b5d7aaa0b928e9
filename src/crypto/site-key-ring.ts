import { digestOneTimePassword } from './one-time-password.ts';
import { openSecret } from './secret-box.ts';
import type { DerivedSiteKeys, SiteKeys } from './site-key.ts';

/** Lists the site keys to try, the current one first, then older ones. */
export function listSiteKeys(siteKeys: SiteKeys): DerivedSiteKeys[] {
  const current = { ...siteKeys, keyId: siteKeys.keyId ?? 'current' };
  return [current, ...(siteKeys.previous ?? [])];
}

/**
 * Opens a secret sealed under the TOTP key of any site key, trying the
 * current one first. `isCurrent` false means the caller should seal it
 * again under the current key. Returns null when no key opens it.
 */
export function openWithSiteKeys(
  siteKeys: SiteKeys,
  sealed: Buffer,
  context: string,
): { plaintext: Buffer; keyId: string; isCurrent: boolean } | null {
  for (const [index, keys] of listSiteKeys(siteKeys).entries()) {
    const plaintext = openSecret(keys.totp, sealed, context);
    if (plaintext !== null) {
      return { plaintext, keyId: keys.keyId, isCurrent: index === 0 };
    }
  }
  return null;
}

/**
 * Computes the digest of a typed one-time password under every site key,
 * current first, for a lookup per key. Empty when the input cannot be a
 * one-time password.
 */
export function listOneTimePasswordDigests(
  siteKeys: SiteKeys,
  typed: string,
): { keyId: string; digest: Buffer }[] {
  const digests: { keyId: string; digest: Buffer }[] = [];
  for (const keys of listSiteKeys(siteKeys)) {
    const digest = digestOneTimePassword(keys.oneTimePassword, typed);
    if (digest === null) return [];
    digests.push({ keyId: keys.keyId, digest });
  }
  return digests;
}
