import type { CommandModule } from 'yargs';
import { passwordBytes } from '../../auth/password-bytes.ts';
import { hashPassword } from '../../crypto/password-hash.ts';
import { updatePasswordHash } from '../../storage/accounts.ts';
import {
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { afterSecurityChange } from '../account-change.ts';
import { readNewPassword } from '../password-input.ts';
import { addPasswordStdinOption } from './user-add.ts';

interface UserPasswdOptions extends GlobalOptions {
  user: string;
  passwordStdin?: boolean;
}

export const userPasswdCommand: CommandModule<
  GlobalOptions,
  UserPasswdOptions
> = {
  command: 'passwd <user>',
  describe: 'Set the account password',
  builder: (yargs) =>
    addPasswordStdinOption(
      yargs.positional('user', { type: 'string', demandOption: true }),
    ),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const account = await requireAccount(context.database, options.user);
      const password = await readNewPassword(options.passwordStdin === true);
      const hash = await hashPassword(
        passwordBytes(password),
        context.config.argon2,
      );
      password.fill(0);

      await updatePasswordHash(context.database, account.id, hash);
      printResult(context, `Changed the password of ${account.username}.`, {
        user: account.username,
        changed: true,
      });
      await afterSecurityChange(context, account.username, {
        endSessions: true,
      });
    }),
};
