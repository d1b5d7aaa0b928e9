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
  type AccountThrottleStatus,
} from '../throttle-status.ts';

interface UserShowOptions extends GlobalOptions {
  user: string;
}

interface AccountState {
  user: string;
  enabled: boolean;
  twoFactor: boolean;
  totpKey: boolean;
  unusedOneTimePasswords: number;
  appPasswordsEnabled: boolean;
  appPasswords: number;
  enabledAppPasswords: number;
  created: string;
  updated: string;
  throttle: AccountThrottleStatus;
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
      const state: AccountState = {
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
      printResult(context, formatAccountState(state), state);
    }),
};

function formatAccountState(state: AccountState): string {
  const onOff = (value: boolean) => (value ? 'on' : 'off');
  const rows: [string, string][] = [
    ['user', state.user],
    ['account', state.enabled ? 'enabled' : 'disabled'],
    ['2FA', onOff(state.twoFactor)],
    ['TOTP key', state.totpKey ? 'set' : 'none'],
    ['unused one-time passwords', String(state.unusedOneTimePasswords)],
    [
      'app passwords',
      `${onOff(state.appPasswordsEnabled)} ` +
        `(${state.enabledAppPasswords} of ${state.appPasswords} enabled)`,
    ],
    ['created', state.created],
    ['updated', state.updated],
    ['throttled', formatAccountThrottle(state.throttle)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return rows
    .map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`)
    .join('\n');
}
