import {
  parseStoredHash,
  verifyStoredHash,
  type HashScheme,
} from '../crypto/legacy-hash.ts';
import {
  hashPassword,
  needsRehash,
  type Argon2Params,
} from '../crypto/password-hash.ts';
import { passwordBytes } from './password-bytes.ts';

/** The result of checking a typed password against an account's hash. */
export type AccountPasswordCheck =
  | { outcome: 'match'; scheme: HashScheme; needsUpgrade: boolean }
  | { outcome: 'mismatch'; scheme: HashScheme }
  | { outcome: 'unknown-scheme' };

/**
 * Lists the byte forms of a typed password to try, in order: the NFC form
 * that passgate hashes, then the bytes as received, then the NFD form.
 * Systems that passgate imports from hashed whatever bytes the client sent,
 * and macOS keyboards send decomposed text where most others send composed
 * text. ASCII and non-UTF-8 input have one form.
 */
export function listPasswordForms(secret: Buffer): Buffer[] {
  const forms = [passwordBytes(secret), secret];
  let text: string | null = null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(secret);
  } catch {
    // Not UTF-8: the raw bytes are the only form.
  }
  if (text !== null) forms.push(Buffer.from(text.normalize('NFD'), 'utf8'));
  return forms.filter(
    (form, index) => forms.findIndex((other) => other.equals(form)) === index,
  );
}

/**
 * Checks a typed password against a stored hash of any known scheme (see
 * parseStoredHash), trying each form from listPasswordForms. A match needs
 * an upgrade unless the hash is a bare argon2id PHC string with the current
 * costs that matched the NFC form. An unknown scheme costs one argon2id
 * hash, like a wrong password.
 */
export async function checkAccountPassword(
  secret: Buffer,
  storedHash: string,
  params: Argon2Params,
): Promise<AccountPasswordCheck> {
  const stored = parseStoredHash(storedHash);
  if (stored === null) {
    await hashPassword(passwordBytes(secret), params);
    return { outcome: 'unknown-scheme' };
  }

  const forms = listPasswordForms(secret);
  for (const [index, form] of forms.entries()) {
    if (!(await verifyStoredHash(form, stored))) continue;
    const current =
      stored.scheme === 'ARGON2ID' &&
      stored.body === storedHash &&
      !needsRehash(storedHash, params);
    return {
      outcome: 'match',
      scheme: stored.scheme,
      needsUpgrade: index > 0 || !current,
    };
  }
  return { outcome: 'mismatch', scheme: stored.scheme };
}
