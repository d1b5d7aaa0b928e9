import type { Argv, CommandModule } from 'yargs';
import { hashPassword } from '../../crypto/password-hash.ts';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { insertAccount } from '../../storage/accounts.ts';
import { passwordBytes } from '../../auth/password-bytes.ts';
import {
  parseUsername,
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { afterSecurityChange } from '../account-change.ts';
import { readNewPassword } from '../password-input.ts';

interface UserAddOptions extends GlobalOptions {
  user: string;
  passwordStdin?: boolean;
}

// A name that becomes part of a mail home path or that Dovecot's default
// auth_username_chars rejects cannot be an account.
const UNSAFE_USERNAME = /[\s/\\%*]|^\.|\.\.|^@|@.*@/u;

export const userAddCommand: CommandModule<GlobalOptions, UserAddOptions> = {
  command: 'add <user>',
  describe: 'Create an account with an account password',
  builder: (yargs) =>
    addPasswordStdinOption(
      yargs.positional('user', {
        type: 'string',
        demandOption: true,
        describe: 'Account name, e.g. alice@example.org',
      }),
    ),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const username = parseUsername(options.user);
      if (UNSAFE_USERNAME.test(username)) {
        throw new PassgateError(
          ERROR_CODES.INVALID_ARGUMENT,
          `invalid username "${username}": use letters, digits, . - _ and ` +
            'at most one @, not starting with . or @',
        );
      }
      const password = await readNewPassword(options.passwordStdin === true);
      const hash = await hashPassword(
        passwordBytes(password),
        context.config.argon2,
      );
      password.fill(0);

      if (!(await insertAccount(context.database, username, hash))) {
        throw new PassgateError(
          ERROR_CODES.ALREADY_EXISTS,
          `account "${username}" already exists`,
        );
      }
      printResult(context, `Created account ${username}.`, {
        user: username,
        created: true,
      });
      // Dovecot may have cached a failed login of the name before it existed.
      await afterSecurityChange(context, username);
    }),
};

export function addPasswordStdinOption<T>(yargs: Argv<T>) {
  return yargs.option('password-stdin', {
    type: 'boolean',
    describe: 'Read the password from the first line of standard input',
  });
}
