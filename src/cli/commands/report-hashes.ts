import type { CommandModule } from 'yargs';
import {
  HASH_SCHEMES,
  parseStoredHash,
  type HashScheme,
} from '../../crypto/legacy-hash.ts';
import { listAccounts } from '../../storage/accounts.ts';
import {
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';

interface ReportHashesOptions extends GlobalOptions {
  users?: boolean;
}

type SchemeName = HashScheme | 'unknown';

// Schemes that cost an attacker one fast digest per guess.
const FAST_SCHEMES: ReadonlySet<SchemeName> = new Set([
  'PLAIN',
  'SSHA',
  'SSHA256',
  'SSHA512',
  'MD5-CRYPT',
]);

export const reportHashesCommand: CommandModule<
  GlobalOptions,
  ReportHashesOptions
> = {
  command: 'hashes',
  describe: 'Count accounts per password hash scheme',
  builder: (yargs) =>
    yargs.option('users', {
      type: 'boolean',
      describe: 'Also list the accounts that are not on argon2id',
    }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const accounts = await listAccounts(context.database);
      const usersByScheme = new Map<SchemeName, string[]>();
      for (const account of accounts) {
        const scheme = parseStoredHash(account.passwordHash)?.scheme;
        const name = scheme ?? 'unknown';
        usersByScheme.set(name, [
          ...(usersByScheme.get(name) ?? []),
          account.username,
        ]);
      }

      const rows = [...HASH_SCHEMES, 'unknown' as const]
        .filter((scheme) => usersByScheme.has(scheme))
        .map((scheme) => ({
          scheme,
          accounts: usersByScheme.get(scheme)?.length ?? 0,
          fast: FAST_SCHEMES.has(scheme),
          users:
            options.users === true && scheme !== 'ARGON2ID'
              ? usersByScheme.get(scheme)
              : undefined,
        }));
      printResult(context, formatTable(rows, accounts.length), {
        total: accounts.length,
        schemes: rows,
      });
    }),
};

function formatTable(
  rows: { scheme: string; accounts: number; fast: boolean; users?: string[] }[],
  total: number,
): string {
  const lines = rows.map((row) => {
    const note = row.fast ? '  (fast hash: upgraded at the next login)' : '';
    const users =
      row.users === undefined ? '' : `\n    ${row.users.join('\n    ')}`;
    return `${row.scheme.padEnd(14)} ${String(row.accounts).padStart(8)}${note}${users}`;
  });
  lines.push(`${'total'.padEnd(14)} ${String(total).padStart(8)}`);
  return lines.join('\n');
}
