import type { CommandModule } from 'yargs';
import {
  LATEST_SCHEMA_VERSION,
  migrateSchema,
} from '../../storage/migrations.ts';
import {
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';

export const dbMigrateCommand: CommandModule<GlobalOptions, GlobalOptions> = {
  command: 'migrate',
  describe: 'Create or upgrade the database schema (safe to run again)',
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const applied = await migrateSchema(context.database);
      const human =
        applied.length === 0
          ? `Schema is up to date (version ${LATEST_SCHEMA_VERSION}).`
          : `Applied schema versions ${applied.join(', ')}; now at ${LATEST_SCHEMA_VERSION}.`;
      printResult(context, human, { applied, version: LATEST_SCHEMA_VERSION });
    }),
};
