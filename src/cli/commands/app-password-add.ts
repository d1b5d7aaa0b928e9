import type { CommandModule } from 'yargs';
import {
  APP_PASSWORD_CHARACTERS,
  digestAppPassword,
  generateAppPassword,
} from '../../crypto/app-password.ts';
import { secretEntropyBits } from '../../crypto/readable-secret.ts';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import {
  isProtocolClass,
  PROTOCOL_CLASSES,
  type ProtocolClass,
} from '../../policy/service-class.ts';
import { insertAppPassword } from '../../storage/app-passwords.ts';
import {
  formatDate,
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { afterSecurityChange } from '../account-change.ts';

interface AppPasswordAddOptions extends GlobalOptions {
  user: string;
  name?: string;
  scope?: string;
  expires?: string;
}

const MAX_NAME_LENGTH = 100;

export const appPasswordAddCommand: CommandModule<
  GlobalOptions,
  AppPasswordAddOptions
> = {
  command: 'add <user>',
  describe: 'Generate an app password and print it once',
  builder: (yargs) =>
    yargs
      .positional('user', { type: 'string', demandOption: true })
      .option('name', { type: 'string', describe: 'Label, e.g. "phone"' })
      .option('scope', {
        type: 'string',
        describe: `Comma-separated classes it may log in to (${PROTOCOL_CLASSES.join(',')}); default all`,
      })
      .option('expires', {
        type: 'string',
        describe: 'Expiry as an ISO 8601 date or time, e.g. 2027-06-30',
      }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const name = parseName(options.name);
      const scope = parseScope(options.scope);
      const expiresAt = parseExpiry(options.expires);
      const account = await requireAccount(context.database, options.user);

      const password = generateAppPassword();
      const digest = digestAppPassword(
        context.siteKeys().appPassword,
        password,
      );
      if (digest === null)
        throw new Error('generated app password does not normalise');
      const id = await insertAppPassword(context.database, {
        accountId: account.id,
        name,
        digest,
        scope,
        expiresAt,
      });

      const hint = account.appPasswordsEnabled
        ? ''
        : '\nApp passwords are off for this account, so this one does not log in yet.' +
          `\nSwitch them on with: passgate app-password on ${account.username}`;
      printResult(
        context,
        `App password ${id} (${name}) for ${account.username}:\n\n  ${password}\n\n` +
          'It is shown only now; spaces, hyphens and letter case do not matter.' +
          hint,
        {
          id,
          user: account.username,
          name,
          password,
          scope: scope ?? [...PROTOCOL_CLASSES],
          expires: expiresAt === null ? null : formatDate(expiresAt),
          appPasswordsEnabled: account.appPasswordsEnabled,
          entropyBits: secretEntropyBits(APP_PASSWORD_CHARACTERS),
        },
      );
      await afterSecurityChange(context, account.username);
    }),
};

function parseName(name: string | undefined): string {
  const value = (name ?? 'app password').trim();
  if (
    value.length === 0 ||
    value.length > MAX_NAME_LENGTH ||
    /[\u0000-\u001f\u007f]/.test(value)
  ) {
    throw invalid(
      `--name must be 1 to ${MAX_NAME_LENGTH} printable characters`,
    );
  }
  return value;
}

/** Parses `imap,smtp` into classes; null means every protocol class. */
export function parseScope(scope: string | undefined): ProtocolClass[] | null {
  if (scope === undefined) return null;
  const classes = scope.split(',').map((item) => item.trim().toLowerCase());
  if (classes.every((item) => item === '')) throw invalid('--scope is empty');
  if (classes.includes('')) {
    throw invalid(
      `--scope "${scope}" has an empty item; separate classes with one comma`,
    );
  }
  for (const item of classes) {
    if (!isProtocolClass(item)) {
      throw invalid(
        `--scope: unknown class "${item}"; expected ${PROTOCOL_CLASSES.join(', ')} ` +
          '(app passwords never log in to webmail)',
      );
    }
  }
  return [...new Set(classes)] as ProtocolClass[];
}

/** Parses an ISO 8601 date (end of that day, UTC) or date-time in the future. */
export function parseExpiry(
  expires: string | undefined,
  now = new Date(),
): Date | null {
  if (expires === undefined) return null;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(expires);
  const isoDateTime =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(
      expires,
    );
  const date = new Date(dateOnly ? `${expires}T23:59:59.999Z` : expires);
  if (
    (!dateOnly && !isoDateTime) ||
    Number.isNaN(date.getTime()) ||
    !isCalendarDate(expires.slice(0, 10))
  ) {
    throw invalid(
      `--expires "${expires}" is not an ISO 8601 date (2027-06-30) ` +
        'or date-time with a zone (2027-06-30T12:00:00Z)',
    );
  }
  if (date <= now) throw invalid(`--expires "${expires}" is in the past`);
  return date;
}

// Date and Date.parse roll 2027-02-30 over to 2027-03-02 instead of
// rejecting it, so the day is checked against its month.
function isCalendarDate(isoDate: string): boolean {
  const [year, month, day] = isoDate.split('-').map(Number);
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month! - 1 &&
    date.getUTCDate() === day
  );
}

function invalid(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.INVALID_ARGUMENT, message);
}
