import type { CommandModule } from 'yargs';
import { listAppPasswords } from '../../storage/app-passwords.ts';
import {
  formatDate,
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';

interface AppPasswordListOptions extends GlobalOptions {
  user: string;
}

export const appPasswordListCommand: CommandModule<
  GlobalOptions,
  AppPasswordListOptions
> = {
  command: 'list <user>',
  describe: 'List the app passwords of an account (never the passwords)',
  builder: (yargs) =>
    yargs.positional('user', { type: 'string', demandOption: true }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const account = await requireAccount(context.database, options.user);
      const entries = await listAppPasswords(context.database, account.id);
      const rows = entries.map((entry) => ({
        id: entry.id,
        name: entry.name,
        scope: entry.scope ?? 'all',
        enabled: entry.enabled,
        created: formatDate(entry.createdAt),
        expires: formatDate(entry.expiresAt),
        lastUsed: formatDate(entry.lastUsedAt),
        lastUsedService: entry.lastUsedService,
        lastUsedIP: entry.lastUsedIP,
      }));
      const human = [
        `App passwords of ${account.username}: ${account.appPasswordsEnabled ? 'on' : 'off'}`,
        'ID\tNAME\tSCOPE\tENABLED\tCREATED\tEXPIRES\tLAST USE',
        ...rows.map((row) =>
          [
            row.id,
            row.name,
            Array.isArray(row.scope) ? row.scope.join(',') : row.scope,
            row.enabled ? 'yes' : 'no',
            row.created,
            row.expires,
            row.lastUsed === '-'
              ? '-'
              : `${row.lastUsed} ${row.lastUsedService ?? ''} ${row.lastUsedIP ?? ''}`.trim(),
          ].join('\t'),
        ),
      ].join('\n');
      printResult(context, human, {
        user: account.username,
        appPasswordsEnabled: account.appPasswordsEnabled,
        appPasswords: rows,
      });
    }),
};
