import type { CommandModule } from 'yargs';
import qrcode from 'qrcode-terminal';
import {
  generateOneTimePassword,
  digestOneTimePassword,
} from '../../crypto/one-time-password.ts';
import { sealSecret } from '../../crypto/secret-box.ts';
import {
  buildTOTPURI,
  decodeTOTPKey,
  encodeBase32,
  generateTOTPKey,
  totpKeyContext,
} from '../../crypto/totp.ts';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { setAccountFlag, setTOTPKey } from '../../storage/accounts.ts';
import {
  countUnusedOneTimePasswords,
  replaceOneTimePasswords,
} from '../../storage/one-time-passwords.ts';
import type { Account } from '../../storage/accounts.ts';
import {
  printResult,
  requireAccount,
  withCommandContext,
  type CommandContext,
  type GlobalOptions,
} from '../context.ts';
import { parseIntegerOption } from '../integer-option.ts';
import { afterSecurityChange } from '../account-change.ts';

interface UserOptions extends GlobalOptions {
  user: string;
}

interface TOTPOptions extends UserOptions {
  import?: string;
}

interface OTPOptions extends UserOptions {
  count?: string;
}

export const twoFactorTOTPCommand: CommandModule<GlobalOptions, TOTPOptions> = {
  command: 'totp <user>',
  describe:
    'Generate a new TOTP key and show it once (text, URI, QR code), ' +
    'or import an existing key',
  builder: (yargs) =>
    yargs
      .positional('user', { type: 'string', demandOption: true })
      .option('import', {
        type: 'string',
        // Without it, yargs reads a lone "-" as a positional argument.
        requiresArg: true,
        describe:
          'Store this base32 key (80 bits or more) instead of generating ' +
          'one; "-" reads it from standard input, which other local ' +
          'users cannot see in the process list',
      }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const account = await requireAccount(context.database, options.user);
      if (options.import !== undefined) {
        await importTOTPKey(context, account, options.import);
        await afterSecurityChange(context, account.username);
        return;
      }
      const key = generateTOTPKey();
      await storeTOTPKey(context, account, key);
      await printNewTOTPKey(context, account, key);
      await afterSecurityChange(context, account.username);
    }),
};

async function storeTOTPKey(
  context: CommandContext,
  account: Account,
  key: string,
): Promise<void> {
  const sealed = sealSecret(
    context.siteKeys().totp,
    Buffer.from(key, 'utf8'),
    totpKeyContext(account.id),
  );
  await setTOTPKey(context.database, account.id, sealed);
}

async function printNewTOTPKey(
  context: CommandContext,
  account: Account,
  key: string,
): Promise<void> {
  const uri = buildTOTPURI(context.config.totp.issuer, account.username, key);
  const replaced = account.totpKeySealed !== null;
  if (context.json) {
    printResult(context, '', {
      user: account.username,
      secret: key,
      uri,
      replaced,
    });
    return;
  }
  const qr = await renderQR(uri);
  printResult(
    context,
    `New TOTP key for ${account.username} (shown only now):\n\n` +
      `  key: ${key.replace(/(.{4})/g, '$1 ').trim()}\n  uri: ${uri}\n\n${qr}` +
      (replaced ? `\n${REPLACED_KEY_NOTE}` : '') +
      switchOnHint(account),
    null,
  );
}

const REPLACED_KEY_NOTE =
  'This replaced the previous TOTP key, so codes from it no longer work.';

// The key is stored in canonical base32, so that what an authenticator app
// computes from the original text is what passgate computes from the row.
async function importTOTPKey(
  context: CommandContext,
  account: Account,
  source: string,
): Promise<void> {
  const text = source === '-' ? await readStdinText() : source;
  const bytes = decodeTOTPKey(text);
  const keyBits = bytes.length * 8;
  await storeTOTPKey(context, account, encodeBase32(bytes));
  bytes.fill(0);

  const replaced = account.totpKeySealed !== null;
  printResult(
    context,
    `Imported a TOTP key of ${keyBits} bits for ${account.username}.` +
      (replaced ? ` ${REPLACED_KEY_NOTE}` : '') +
      switchOnHint(account),
    { user: account.username, imported: true, keyBits, replaced },
  );
}

function switchOnHint(account: Account): string {
  if (account.twoFactorEnabled) return '';
  return `\nSwitch 2FA on with: passgate 2fa on ${account.username}`;
}

export const twoFactorOTPCommand: CommandModule<GlobalOptions, OTPOptions> = {
  command: 'otp <user>',
  describe: 'Generate a new list of one-time passwords, replacing the old one',
  builder: (yargs) =>
    yargs
      .positional('user', { type: 'string', demandOption: true })
      .option('count', {
        type: 'string',
        describe: 'How many to generate (1 to 100)',
      }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const count =
        options.count === undefined
          ? context.config.otp.count
          : parseIntegerOption('--count', options.count, { min: 1, max: 100 });
      const account = await requireAccount(context.database, options.user);
      const key = context.siteKeys().oneTimePassword;
      const codes = Array.from({ length: count }, generateOneTimePassword);
      const digests = codes.map(
        (code) => digestOneTimePassword(key, code) as Buffer,
      );
      const replacedUnused = await countUnusedOneTimePasswords(
        context.database,
        account.id,
      );
      await replaceOneTimePasswords(context.database, account.id, digests);

      printResult(
        context,
        `New one-time passwords for ${account.username} (shown only now; ` +
          `each works once, the previous list no longer works):\n\n` +
          codes.map((code) => `  ${code}`).join('\n') +
          `\n\n${count} unused; ${replacedUnused} unused of the old ` +
          'list were voided.',
        { user: account.username, codes, unused: count, replacedUnused },
      );
      await afterSecurityChange(context, account.username);
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
        if (on) await requireSecondFactor(context, account);

        await setAccountFlag(
          context.database,
          account.id,
          'two_factor_enabled',
          on,
        );
        printResult(
          context,
          `2FA of ${account.username} is ${on ? 'on' : 'off'}.`,
          {
            user: account.username,
            twoFactor: on,
          },
        );
        if (on && !account.appPasswordsEnabled) warnMailClientsRefused(account);
        await afterSecurityChange(context, account.username, {
          endSessions: on,
        });
      }),
  };
}

async function requireSecondFactor(
  context: CommandContext,
  account: Account,
): Promise<void> {
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

// With 2FA on, a protocol login needs an app password, because mail
// clients cannot ask for a code. With app passwords off, none can log in.
function warnMailClientsRefused(account: Account): void {
  process.stderr.write(
    `passgate: warning: app passwords are off for ${account.username}, ` +
      'so every mail client (IMAP, POP3, SMTP...) is now rejected; ' +
      `switch them on with: passgate app-password on ${account.username}\n`,
  );
}

export const twoFactorOnCommand = buildTwoFactorSwitch(true);
export const twoFactorOffCommand = buildTwoFactorSwitch(false);

function renderQR(text: string): Promise<string> {
  return new Promise((resolve) =>
    qrcode.generate(text, { small: true }, resolve),
  );
}

// At most this many bytes of a key are read from standard input.
const MAX_KEY_INPUT_BYTES = 1024;

async function readStdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length > MAX_KEY_INPUT_BYTES) {
      throw new PassgateError(
        ERROR_CODES.INVALID_ARGUMENT,
        `invalid TOTP key: standard input has more than ` +
          `${MAX_KEY_INPUT_BYTES} bytes`,
      );
    }
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text.length === 0) {
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      'invalid TOTP key: standard input is empty',
    );
  }
  return text;
}
