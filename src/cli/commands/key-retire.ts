import type { CommandModule } from 'yargs';
import { replaceSiteKeyFile } from '../../crypto/site-key-rotation.ts';
import { deriveSiteKeys, readSiteKeyFile } from '../../crypto/site-key.ts';
import {
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { readSiteKeyUsage, sumUsageByKey } from '../site-key-maintenance.ts';

interface KeyRetireOptions extends GlobalOptions {
  force?: boolean;
}

export const keyRetireCommand: CommandModule<GlobalOptions, KeyRetireOptions> =
  {
    command: 'retire',
    describe: 'Remove old site keys that no stored secret needs any more',
    builder: (yargs) =>
      yargs.option('force', {
        type: 'boolean',
        describe:
          'Remove every old key, even if app passwords, one-time passwords ' +
          'or TOTP keys still need it (they stop working)',
      }),
    handler: (options) =>
      withCommandContext(options, async (context) => {
        const file = context.config.siteKeyFile;
        const [current, ...old] = readSiteKeyFile(file);
        if (current === undefined) return;
        const totals = sumUsageByKey(await readSiteKeyUsage(context.database));

        const stillNeeded = old.filter(
          (key) =>
            options.force !== true &&
            (totals[deriveSiteKeys(key).keyId] ?? 0) > 0,
        );
        const retired = old
          .filter((key) => !stillNeeded.includes(key))
          .map((key) => deriveSiteKeys(key).keyId);
        if (retired.length > 0)
          replaceSiteKeyFile(file, [current, ...stillNeeded]);

        const keptIds = stillNeeded.map((key) => deriveSiteKeys(key).keyId);
        printResult(
          context,
          `Retired ${retired.length} old site key(s)` +
            (keptIds.length > 0
              ? `; kept ${keptIds.join(', ')}, which stored secrets still need.`
              : '.'),
          { retired, kept: keptIds },
        );
      }),
  };
