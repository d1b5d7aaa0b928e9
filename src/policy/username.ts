/** Maximum length of a canonical username in characters. */
export const MAX_USERNAME_LENGTH = 255;

export type UsernameResult =
  | { ok: true; username: string }
  | { ok: false; reason: 'empty' | 'too-long' | 'invalid-character' };

// Whitespace at either end never belongs to an account name. Neither do
// control characters, or format and other default-ignorable characters
// that render as nothing (zero-width space, bidirectional overrides,
// variation selectors, Hangul fillers). Line and paragraph separators,
// private-use characters, lone surrogates and U+FFFD (which stands for
// bytes that were not valid UTF-8) are refused as well.
const SURROUNDING_SPACE = /^\s|\s$/u;
const FORBIDDEN_CHARACTER =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Default_Ignorable_Code_Point}\uFFFD]/u;

/**
 * Canonicalises a username once, before any lookup: rejects surrounding
 * whitespace and invisible or control characters, applies Unicode NFKC (so
 * a full-width `ａ` is `a`), then lowercases. `Alice@Example.org` and
 * `alice@example.org` are one account; `alice@example.org ` is none.
 */
export function canonicalizeUsername(raw: string): UsernameResult {
  if (raw.length === 0) return { ok: false, reason: 'empty' };

  if (SURROUNDING_SPACE.test(raw) || FORBIDDEN_CHARACTER.test(raw)) {
    return { ok: false, reason: 'invalid-character' };
  }

  // NFKC can itself produce a leading space (U+02D8 BREVE becomes a space
  // and a combining mark), so the result is checked again.
  const username = raw.normalize('NFKC').toLowerCase();
  if (SURROUNDING_SPACE.test(username) || FORBIDDEN_CHARACTER.test(username)) {
    return { ok: false, reason: 'invalid-character' };
  }
  if ([...username].length > MAX_USERNAME_LENGTH) {
    return { ok: false, reason: 'too-long' };
  }

  return { ok: true, username };
}

/** Splits `local@domain`; a name without `@` has an empty domain. */
export function splitUsername(username: string): {
  localPart: string;
  domain: string;
} {
  const at = username.lastIndexOf('@');
  if (at < 0) return { localPart: username, domain: '' };
  return { localPart: username.slice(0, at), domain: username.slice(at + 1) };
}
