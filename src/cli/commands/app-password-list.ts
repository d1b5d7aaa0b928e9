import type { CommandModule } from 'yargs';
import { PROTOCOL_CLASSES } from '../../policy/service-class.ts';
import {
  listAppPasswords,
  type AppPassword,
} from '../../storage/app-passwords.ts';
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
      const now = new Date();

      const human = [
        `App passwords of ${account.username}: ${account.appPasswordsEnabled ? 'on' : 'off'}`,
        'ID\tNAME\tSCOPE\tENABLED\tCREATED\tEXPIRES\tLAST USE',
        ...entries.map((entry) => formatListLine(entry, now)),
      ].join('\n');
      printResult(context, human, {
        user: account.username,
        appPasswordsEnabled: account.appPasswordsEnabled,
        appPasswords: entries.map((entry) => toJSONEntry(entry, now)),
      });
    }),
};

function isExpired(entry: AppPassword, now: Date): boolean {
  return entry.expiresAt !== null && entry.expiresAt <= now;
}

// JSON lists every class of a scope and uses null for a missing value, as
// the other commands do. The text form shows "all" and "-" instead.
function toJSONEntry(entry: AppPassword, now: Date) {
  return {
    id: entry.id,
    name: entry.name,
    scope: entry.scope ?? [...PROTOCOL_CLASSES],
    enabled: entry.enabled,
    expired: isExpired(entry, now),
    created: formatDate(entry.createdAt),
    expires: entry.expiresAt === null ? null : formatDate(entry.expiresAt),
    lastUsed: entry.lastUsedAt === null ? null : formatDate(entry.lastUsedAt),
    lastUsedService: entry.lastUsedService,
    lastUsedIP: entry.lastUsedIP,
  };
}

function formatListLine(entry: AppPassword, now: Date): string {
  const expires = isExpired(entry, now)
    ? `${formatDate(entry.expiresAt)} (expired)`
    : formatDate(entry.expiresAt);
  const lastUse =
    entry.lastUsedAt === null
      ? '-'
      : [formatDate(entry.lastUsedAt), entry.lastUsedService, entry.lastUsedIP]
          .filter((part) => part !== null && part !== '')
          .join(' ');
  return [
    entry.id,
    entry.name,
    entry.scope?.join(',') ?? 'all',
    entry.enabled ? 'yes' : 'no',
    formatDate(entry.createdAt),
    expires,
    lastUse,
  ].join('\t');
}
