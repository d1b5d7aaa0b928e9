import type { CommandModule } from 'yargs';
import { listAppPasswords } from '../../storage/app-passwords.ts';
import { countUnusedOneTimePasswords } from '../../storage/one-time-passwords.ts';
import {
  formatDate,
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import {
  formatAccountThrottle,
  readAccountThrottle,
} from '../throttle-status.ts';

interface UserShowOptions extends GlobalOptions {
  user: string;
}

export const userShowCommand: CommandModule<GlobalOptions, UserShowOptions> = {
  command: 'show <user>',
  describe: 'Show an account and its security state (never a secret)',
  builder: (yargs) =>
    yargs.positional('user', { type: 'string', demandOption: true }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const account = await requireAccount(context.database, options.user);
      const appPasswords = await listAppPasswords(context.database, account.id);
      const unusedOneTimePasswords = await countUnusedOneTimePasswords(
        context.database,
        account.id,
      );
      const throttle = await readAccountThrottle(
        context.database,
        context.config,
        account.username,
      );
      const state = {
        user: account.username,
        enabled: account.enabled,
        twoFactor: account.twoFactorEnabled,
        totpKey: account.totpKeySealed !== null,
        unusedOneTimePasswords,
        appPasswordsEnabled: account.appPasswordsEnabled,
        appPasswords: appPasswords.length,
        enabledAppPasswords: appPasswords.filter((entry) => entry.enabled)
          .length,
        created: formatDate(account.createdAt),
        updated: formatDate(account.updatedAt),
        throttle,
      };
      const onOff = (value: boolean) => (value ? 'on' : 'off');
      const human = [
        `user:                     ${state.user}`,
        `account:                  ${state.enabled ? 'enabled' : 'disabled'}`,
        `2FA:                      ${onOff(state.twoFactor)}`,
        `TOTP key:                 ${state.totpKey ? 'set' : 'none'}`,
        `unused one-time passwords: ${state.unusedOneTimePasswords}`,
        `app passwords:            ${onOff(state.appPasswordsEnabled)} ` +
          `(${state.enabledAppPasswords} of ${state.appPasswords} enabled)`,
        `created:                  ${state.created}`,
        `updated:                  ${state.updated}`,
        `throttled:                ${formatAccountThrottle(throttle)}`,
      ].join('\n');
      printResult(context, human, state);
    }),
};
