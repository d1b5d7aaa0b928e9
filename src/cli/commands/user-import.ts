import { readFileSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import {
  findAccount,
  insertAccount,
  updatePasswordHash,
} from '../../storage/accounts.ts';
import type { Database } from '../../storage/database.ts';
import {
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { parseImportFile, type ImportEntry } from '../import-lines.ts';

interface UserImportOptions extends GlobalOptions {
  file: string;
  update?: boolean;
}

type ImportOutcome = 'created' | 'updated' | 'skipped';

// An export of a million accounts is about 150 MB; anything larger is
// more likely a wrong file than a passwd-file.
const MAX_FILE_BYTES = 256 * 1024 * 1024;

export const userImportCommand: CommandModule<
  GlobalOptions,
  UserImportOptions
> = {
  command: 'import <file>',
  describe:
    'Create accounts from user<TAB>hash or Dovecot passwd-file lines ' +
    '("-" reads standard input)',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', demandOption: true })
      .option('update', {
        type: 'boolean',
        describe:
          'Replace the password hash of accounts that exist (default: skip them)',
      }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const file = nameImportFile(options.file);
      const { entries, problems } = parseImportFile(readImportFile(file));

      const counts = { created: 0, updated: 0, skipped: 0 };
      for (const entry of entries) {
        const outcome = await importEntry(
          context.database,
          entry,
          options.update === true,
        );
        counts[outcome]++;
      }

      printResult(context, formatReport(counts, problems), {
        ...counts,
        rejected: problems,
      });
      if (problems.length > 0) {
        throw new PassgateError(
          ERROR_CODES.INVALID_ARGUMENT,
          `${problems.length} line(s) of ${file} were not imported`,
        );
      }
    }),
};

async function importEntry(
  database: Database,
  entry: ImportEntry,
  update: boolean,
): Promise<ImportOutcome> {
  if (await insertAccount(database, entry.username, entry.passwordHash)) {
    return 'created';
  }
  if (!update) return 'skipped';

  const account = await findAccount(database, entry.username);
  if (account === null) return 'skipped';
  await updatePasswordHash(database, account.id, entry.passwordHash);
  return 'updated';
}

// yargs hands over "-" as an empty string, which cannot name a file.
function nameImportFile(file: string): string {
  return file === '' || file === '-' ? 'standard input' : file;
}

function readImportFile(file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file === 'standard input' ? 0 : file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read failed';
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      `cannot read import file ${file}: ${code}`,
      { cause: error },
    );
  }
  if (data.length > MAX_FILE_BYTES) {
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      `import file ${file} is larger than ${MAX_FILE_BYTES} bytes`,
    );
  }
  return data;
}

function formatReport(
  counts: Record<ImportOutcome, number>,
  problems: { lineNumber: number; reason: string }[],
): string {
  const lines = problems.map(
    (problem) => `line ${problem.lineNumber}: ${problem.reason}`,
  );
  lines.push(
    `Created ${counts.created}, updated ${counts.updated}, ` +
      `skipped ${counts.skipped} existing, rejected ${problems.length}.`,
  );
  return lines.join('\n');
}
