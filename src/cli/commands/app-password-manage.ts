import type { CommandModule } from 'yargs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { setAccountFlag } from '../../storage/accounts.ts';
import {
  deleteAppPassword,
  setAppPasswordEnabled,
} from '../../storage/app-passwords.ts';
import {
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { parseIntegerOption } from '../integer-option.ts';
import { afterSecurityChange } from '../account-change.ts';

interface AppPasswordIdOptions extends GlobalOptions {
  user: string;
  id: string;
}

interface UserOptions extends GlobalOptions {
  user: string;
}

function buildSwitchOne(
  enabled: boolean,
): CommandModule<GlobalOptions, AppPasswordIdOptions> {
  const verb = enabled ? 'enable' : 'disable';
  return {
    command: `${verb} <user> <id>`,
    describe: `${enabled ? 'Enable' : 'Disable'} one app password`,
    builder: (yargs) =>
      yargs
        .positional('user', { type: 'string', demandOption: true })
        .positional('id', { type: 'string', demandOption: true }),
    handler: (options) =>
      withCommandContext(options, async (context) => {
        const account = await requireAccount(context.database, options.user);
        const id = parseId(options.id);
        if (
          !(await setAppPasswordEnabled(
            context.database,
            account.id,
            id,
            enabled,
          ))
        ) {
          throw notFound(account.username, id);
        }
        printResult(
          context,
          `App password ${id} of ${account.username} is ${verb}d.`,
          {
            user: account.username,
            id,
            enabled,
          },
        );
        await afterSecurityChange(context, account.username, {
          endSessions: !enabled,
        });
      }),
  };
}

export const appPasswordEnableCommand = buildSwitchOne(true);
export const appPasswordDisableCommand = buildSwitchOne(false);

export const appPasswordDeleteCommand: CommandModule<
  GlobalOptions,
  AppPasswordIdOptions
> = {
  command: 'delete <user> <id>',
  describe: 'Delete one app password',
  builder: (yargs) =>
    yargs
      .positional('user', { type: 'string', demandOption: true })
      .positional('id', { type: 'string', demandOption: true }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const account = await requireAccount(context.database, options.user);
      const id = parseId(options.id);
      if (!(await deleteAppPassword(context.database, account.id, id))) {
        throw notFound(account.username, id);
      }
      printResult(
        context,
        `Deleted app password ${id} of ${account.username}.`,
        {
          user: account.username,
          id,
          deleted: true,
        },
      );
      await afterSecurityChange(context, account.username, {
        endSessions: true,
      });
    }),
};

function buildSwitchAll(
  on: boolean,
): CommandModule<GlobalOptions, UserOptions> {
  return {
    command: `${on ? 'on' : 'off'} <user>`,
    describe: on
      ? 'Switch app passwords on: protocol logins then need an app password'
      : 'Switch all app passwords off (each keeps its own state)',
    builder: (yargs) =>
      yargs.positional('user', { type: 'string', demandOption: true }),
    handler: (options) =>
      withCommandContext(options, async (context) => {
        const account = await requireAccount(context.database, options.user);
        await setAccountFlag(
          context.database,
          account.id,
          'app_passwords_enabled',
          on,
        );
        printResult(
          context,
          `App passwords of ${account.username} are ${on ? 'on' : 'off'}.`,
          {
            user: account.username,
            appPasswordsEnabled: on,
          },
        );
        // Either way a secret stops working on protocol logins: off ends
        // the app passwords, on ends the account password.
        await afterSecurityChange(context, account.username, {
          endSessions: true,
        });
      }),
  };
}

export const appPasswordOnCommand = buildSwitchAll(true);
export const appPasswordOffCommand = buildSwitchAll(false);

function parseId(id: string): number {
  const value = /^\d+$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      `invalid app password id ${JSON.stringify(id)}: ` +
        'use a number from the ID column of "passgate app-password list"',
    );
  }
  return value;
}

function notFound(username: string, id: number): PassgateError {
  return new PassgateError(
    ERROR_CODES.NOT_FOUND,
    `${username} has no app password ${id}; see "passgate app-password list ${username}"`,
  );
}
