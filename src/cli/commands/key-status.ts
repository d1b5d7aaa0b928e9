import type { CommandModule } from 'yargs';
import { readSiteKeys } from '../../crypto/site-key.ts';
import { listSiteKeys } from '../../crypto/site-key-ring.ts';
import {
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { readSiteKeyUsage, sumUsageByKey } from '../site-key-maintenance.ts';

export const keyStatusCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'status',
  describe: 'List the site keys and the secrets that still need old ones',
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const keys = listSiteKeys(readSiteKeys(context.config.siteKeyFile));
      const usage = await readSiteKeyUsage(context.database);
      const totals = sumUsageByKey(usage);

      const rows = keys.map((keys, index) => ({
        keyId: keys.keyId,
        current: index === 0,
        secrets: index === 0 ? null : (totals[keys.keyId] ?? 0),
      }));
      const human = rows
        .map((row) =>
          row.current
            ? `${row.keyId}  current`
            : `${row.keyId}  old, still needed by ${row.secrets} secret(s)`,
        )
        .join('\n');
      printResult(context, human, { keys: rows, oldKeyRows: usage });
    }),
};
