import type { CommandModule } from 'yargs';
import { addSiteKey } from '../../crypto/site-key-rotation.ts';
import { readSiteKeys } from '../../crypto/site-key.ts';
import { labelCurrentKeyRows } from '../../storage/site-key-usage.ts';
import {
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import {
  readSiteKeyUsage,
  rewrapTOTPKeys,
  sumUsageByKey,
} from '../site-key-maintenance.ts';

interface KeyRotateOptions extends GlobalOptions {
  rewrap?: boolean;
}

export const keyRotateCommand: CommandModule<GlobalOptions, KeyRotateOptions> =
  {
    command: 'rotate',
    describe:
      'Add a new site key; the old ones keep verifying existing secrets',
    builder: (yargs) =>
      yargs.option('rewrap', {
        type: 'boolean',
        describe:
          'Also seal every TOTP key again under the new key (app passwords ' +
          'and one-time passwords move when they are next used)',
      }),
    handler: (options) =>
      withCommandContext(options, async (context) => {
        const file = context.config.siteKeyFile;
        const before = readSiteKeys(file);
        // Rows made under the current key are labelled before the file
        // changes, so that every row of an old key carries its id.
        await labelCurrentKeyRows(context.database, before.keyId ?? '');
        const keyIds = addSiteKey(file);

        const rewrap =
          options.rewrap === true
            ? await rewrapTOTPKeys(context.database, readSiteKeys(file))
            : null;
        const usage = await readSiteKeyUsage(context.database);
        printResult(
          context,
          formatRotation(keyIds, rewrap, sumUsageByKey(usage)),
          { file, keyIds, currentKeyId: keyIds[0], rewrap, oldKeyRows: usage },
        );
      }),
  };

function formatRotation(
  keyIds: string[],
  rewrap: { rewrapped: number; unreadable: number } | null,
  totals: Record<string, number>,
): string {
  const lines = [
    `New site key ${keyIds[0]}; old keys: ${keyIds.slice(1).join(', ')}.`,
  ];
  if (rewrap !== null) {
    lines.push(
      `Sealed ${rewrap.rewrapped} TOTP key(s) again under the new key` +
        (rewrap.unreadable > 0
          ? `; ${rewrap.unreadable} could not be opened with any site key.`
          : '.'),
    );
  }
  for (const keyId of keyIds.slice(1)) {
    lines.push(`Secrets still on key ${keyId}: ${totals[keyId] ?? 0}`);
  }
  lines.push('Back up the site key file again: it now holds the new key.');
  return lines.join('\n');
}
