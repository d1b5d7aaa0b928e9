import { parseStoredHash } from '../crypto/legacy-hash.ts';
import { canonicalizeUsername } from '../policy/username.ts';

/** One account taken from an import file. */
export interface ImportEntry {
  lineNumber: number;
  username: string;
  /** The hash as it will be stored: ASCII, at most 512 characters. */
  passwordHash: string;
}

/** One line an import cannot take; the reason never contains the hash. */
export interface ImportProblem {
  lineNumber: number;
  reason: string;
}

// The password_hash column is ASCII and has room for at most 512 characters.
const MAX_HASH_CHARACTERS = 512;
// A name that becomes part of a mail home path, or that Dovecot's default
// auth_username_chars rejects, cannot be an account.
const UNSAFE_USERNAME = /[\s/\\%*:]|^\.|\.\.|^@|@.*@/u;

/**
 * Parses an import file: `user<TAB>hash` lines (a PostfixAdmin export) or
 * Dovecot passwd-file lines `user:hash[:uid:gid:...]`. Blank lines and lines
 * starting with # are skipped. A line that is not valid UTF-8, lacks a
 * field, names an invalid or repeated user, or contains a hash of an unknown
 * scheme becomes a problem; every other line becomes an entry.
 */
export function parseImportFile(data: Buffer): {
  entries: ImportEntry[];
  problems: ImportProblem[];
} {
  const entries: ImportEntry[] = [];
  const problems: ImportProblem[] = [];
  const firstLine = new Map<string, number>();
  const lines = splitLines(data);

  for (const [index, bytes] of lines.entries()) {
    const lineNumber = index + 1;
    const result = parseImportLine(bytes);
    if (result === null) continue;
    if (typeof result === 'string') {
      problems.push({ lineNumber, reason: result });
      continue;
    }
    const earlier = firstLine.get(result.username);
    if (earlier !== undefined) {
      problems.push({ lineNumber, reason: `same user as line ${earlier}` });
      continue;
    }
    firstLine.set(result.username, lineNumber);
    entries.push({ lineNumber, ...result });
  }
  return { entries, problems };
}

// Returns null for a line to skip, a reason for a line to reject, or the
// username and hash.
function parseImportLine(
  bytes: Buffer,
): { username: string; passwordHash: string } | string | null {
  let line: string;
  try {
    line = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'the line is not valid UTF-8';
  }
  if (line.trim() === '' || line.startsWith('#')) return null;

  const fields = line.includes('\t') ? line.split('\t') : line.split(':');
  if (fields.length < 2 || (line.includes('\t') && fields.length !== 2)) {
    return 'expected user<TAB>hash or a passwd-file line user:hash:...';
  }
  const canonical = canonicalizeUsername(fields[0] ?? '');
  if (!canonical.ok) return `invalid username (${canonical.reason})`;
  if (UNSAFE_USERNAME.test(canonical.username)) {
    return 'invalid username: use letters, digits, . - _ and at most one @';
  }

  const passwordHash = storableHash(fields[1] ?? '');
  if (typeof passwordHash !== 'string') return passwordHash.reason;
  return { username: canonical.username, passwordHash };
}

// Checks the scheme and fits the hash into the ASCII column: a PLAIN value
// with other characters is stored base64-encoded, as Dovecot reads it too.
function storableHash(hash: string): string | { reason: string } {
  if (hash === '') return { reason: 'the hash field is empty' };
  const stored = parseStoredHash(hash);
  if (stored === null) {
    return { reason: 'unknown-hash-scheme: not a supported hash format' };
  }

  let value = hash;
  if (stored.scheme === 'PLAIN' && !/^[\x20-\x7e]*$/.test(hash)) {
    const password = stored.bytes?.digest ?? Buffer.alloc(0);
    value = `{PLAIN.B64}${password.toString('base64')}`;
  }
  if (!/^[\x20-\x7e]*$/.test(value)) {
    return { reason: 'the hash contains characters other than ASCII' };
  }
  if (value.length > MAX_HASH_CHARACTERS) {
    return {
      reason: `the hash is longer than ${MAX_HASH_CHARACTERS} characters`,
    };
  }
  return value;
}

function splitLines(data: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(0x0a, start);
    if (end === -1) end = data.length;
    const stop = end > start && data[end - 1] === 0x0d ? end - 1 : end;
    lines.push(data.subarray(start, stop));
    start = end + 1;
  }
  return lines;
}
