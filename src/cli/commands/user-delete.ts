import type { CommandModule } from 'yargs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { deleteAccount } from '../../storage/accounts.ts';
import {
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { afterSecurityChange } from '../account-change.ts';
import { confirm } from '../confirm.ts';

interface UserDeleteOptions extends GlobalOptions {
  user: string;
  yes?: boolean;
}

export const userDeleteCommand: CommandModule<
  GlobalOptions,
  UserDeleteOptions
> = {
  command: 'delete <user>',
  describe:
    'Delete an account with its app passwords, TOTP key and one-time passwords',
  builder: (yargs) =>
    yargs
      .positional('user', { type: 'string', demandOption: true })
      .option('yes', {
        type: 'boolean',
        describe: 'Do not ask for confirmation',
      }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const account = await requireAccount(context.database, options.user);
      if (options.yes !== true) {
        const confirmed = await confirm(
          `Delete account ${account.username}?`,
          'cancelled; nothing deleted',
        );
        if (!confirmed) {
          throw new PassgateError(
            ERROR_CODES.PRECONDITION_FAILED,
            'not confirmed; nothing deleted',
          );
        }
      }
      await deleteAccount(context.database, account.id);
      printResult(context, `Deleted account ${account.username}.`, {
        user: account.username,
        deleted: true,
      });
      await afterSecurityChange(context, account.username, {
        endSessions: true,
      });
    }),
};
