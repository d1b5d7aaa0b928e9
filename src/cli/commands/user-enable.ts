import type { CommandModule } from 'yargs';
import { setAccountFlag } from '../../storage/accounts.ts';
import {
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { afterSecurityChange } from '../account-change.ts';

interface UserSwitchOptions extends GlobalOptions {
  user: string;
}

function buildUserSwitch(
  enabled: boolean,
): CommandModule<GlobalOptions, UserSwitchOptions> {
  const verb = enabled ? 'enable' : 'disable';
  return {
    command: `${verb} <user>`,
    describe: enabled
      ? 'Allow the account to log in again'
      : 'Refuse every login of the account (mail is still delivered)',
    builder: (yargs) =>
      yargs.positional('user', { type: 'string', demandOption: true }),
    handler: (options) =>
      withCommandContext(options, async (context) => {
        const account = await requireAccount(context.database, options.user);
        await setAccountFlag(context.database, account.id, 'enabled', enabled);
        printResult(context, `Account ${account.username} is ${verb}d.`, {
          user: account.username,
          enabled,
        });
        await afterSecurityChange(context, account.username, {
          endSessions: !enabled,
        });
      }),
  };
}

export const userEnableCommand = buildUserSwitch(true);
export const userDisableCommand = buildUserSwitch(false);
