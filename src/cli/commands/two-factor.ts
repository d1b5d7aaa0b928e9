import type { CommandModule } from 'yargs';
import qrcode from 'qrcode-terminal';
import {
  generateOneTimePassword,
  digestOneTimePassword,
} from '../../crypto/one-time-password.ts';
import { sealSecret } from '../../crypto/secret-box.ts';
import { buildTOTPURI, generateTOTPKey } from '../../crypto/totp.ts';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { setAccountFlag, setTOTPKey } from '../../storage/accounts.ts';
import {
  countUnusedOneTimePasswords,
  replaceOneTimePasswords,
} from '../../storage/one-time-passwords.ts';
import {
  printResult,
  requireAccount,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { endOpenSessions } from '../../revocation/kick.ts';

interface UserOptions extends GlobalOptions {
  user: string;
}

interface OTPOptions extends UserOptions {
  count?: number;
}

/** Context of the sealed TOTP key, so a key moved to another row fails. */
export function totpKeyContext(accountId: number): string {
  return `totp-key:${accountId}`;
}

export const twoFactorTOTPCommand: CommandModule<GlobalOptions, UserOptions> = {
  command: 'totp <user>',
  describe: 'Generate a new TOTP key and show it once (text, URI, QR code)',
  builder: (yargs) =>
    yargs.positional('user', { type: 'string', demandOption: true }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const account = await requireAccount(context.database, options.user);
      const key = generateTOTPKey();
      const sealed = sealSecret(
        context.siteKeys().totp,
        Buffer.from(key, 'utf8'),
        totpKeyContext(account.id),
      );
      await setTOTPKey(context.database, account.id, sealed);

      const uri = buildTOTPURI(
        context.config.totp.issuer,
        account.username,
        key,
      );
      if (context.json) {
        printResult(context, '', { user: account.username, secret: key, uri });
        return;
      }
      const qr = await renderQR(uri);
      printResult(
        context,
        `New TOTP key for ${account.username} (shown only now):\n\n` +
          `  key: ${key.replace(/(.{4})/g, '$1 ').trim()}\n  uri: ${uri}\n\n${qr}` +
          (account.twoFactorEnabled
            ? ''
            : `\nSwitch 2FA on with: passgate 2fa on ${account.username}`),
        null,
      );
    }),
};

export const twoFactorOTPCommand: CommandModule<GlobalOptions, OTPOptions> = {
  command: 'otp <user>',
  describe: 'Generate a new list of one-time passwords, replacing the old one',
  builder: (yargs) =>
    yargs
      .positional('user', { type: 'string', demandOption: true })
      .option('count', {
        type: 'number',
        describe: 'How many to generate (1 to 100)',
      }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const count = options.count ?? context.config.otp.count;
      if (!Number.isInteger(count) || count < 1 || count > 100) {
        throw new PassgateError(
          ERROR_CODES.INVALID_ARGUMENT,
          `--count must be an integer from 1 to 100, got ${count}`,
        );
      }
      const account = await requireAccount(context.database, options.user);
      const key = context.siteKeys().oneTimePassword;
      const codes = Array.from({ length: count }, generateOneTimePassword);
      const digests = codes.map(
        (code) => digestOneTimePassword(key, code) as Buffer,
      );
      await replaceOneTimePasswords(context.database, account.id, digests);

      printResult(
        context,
        `New one-time passwords for ${account.username} (shown only now; ` +
          `each works once, the previous list no longer works):\n\n` +
          codes.map((code) => `  ${code}`).join('\n') +
          `\n\n${count} unused.`,
        { user: account.username, codes, unused: count },
      );
    }),
};

function buildTwoFactorSwitch(
  on: boolean,
): CommandModule<GlobalOptions, UserOptions> {
  return {
    command: `${on ? 'on' : 'off'} <user>`,
    describe: on
      ? 'Switch 2FA on (needs a TOTP key or unused one-time passwords)'
      : 'Switch 2FA off, keeping the TOTP key and one-time passwords',
    builder: (yargs) =>
      yargs.positional('user', { type: 'string', demandOption: true }),
    handler: (options) =>
      withCommandContext(options, async (context) => {
        const account = await requireAccount(context.database, options.user);
        if (on) {
          const unused = await countUnusedOneTimePasswords(
            context.database,
            account.id,
          );
          if (account.totpKeySealed === null && unused === 0) {
            throw new PassgateError(
              ERROR_CODES.PRECONDITION_FAILED,
              `${account.username} has no TOTP key and no unused one-time passwords; ` +
                `create one with "passgate 2fa totp ${account.username}" or ` +
                `"passgate 2fa otp ${account.username}" first`,
            );
          }
        }
        await setAccountFlag(
          context.database,
          account.id,
          'two_factor_enabled',
          on,
        );
        if (on) await endOpenSessions(context.config, account.username);
        printResult(
          context,
          `2FA of ${account.username} is ${on ? 'on' : 'off'}.`,
          {
            user: account.username,
            twoFactor: on,
          },
        );
      }),
  };
}

export const twoFactorOnCommand = buildTwoFactorSwitch(true);
export const twoFactorOffCommand = buildTwoFactorSwitch(false);

function renderQR(text: string): Promise<string> {
  return new Promise((resolve) =>
    qrcode.generate(text, { small: true }, resolve),
  );
}
