import type { CommandModule } from 'yargs';
import { listAccounts } from '../../storage/accounts.ts';
import {
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';

export const userListCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'list',
  describe: 'List the accounts',
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const accounts = await listAccounts(context.database);
      const rows = accounts.map((account) => ({
        user: account.username,
        enabled: account.enabled,
        twoFactor: account.twoFactorEnabled,
        appPasswordsEnabled: account.appPasswordsEnabled,
      }));
      const onOff = (value: boolean) => (value ? 'on' : 'off');
      const human = [
        'USER\tACCOUNT\t2FA\tAPP-PASSWORDS',
        ...rows.map(
          (row) =>
            `${row.user}\t${row.enabled ? 'enabled' : 'disabled'}\t` +
            `${onOff(row.twoFactor)}\t${onOff(row.appPasswordsEnabled)}`,
        ),
      ].join('\n');
      printResult(context, human, rows);
    }),
};
