import type { CommandModule } from 'yargs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { runDoctorChecks } from '../../doctor/checks.ts';
import { resolveCLIConfigPath, type GlobalOptions } from '../context.ts';

interface DoctorCommandOptions extends GlobalOptions {
  daemonUser?: string[];
  executable?: string;
}

export const doctorCommand: CommandModule<GlobalOptions, DoctorCommandOptions> =
  {
    command: 'doctor',
    describe:
      'Check the installation: config and site key modes, access for the ' +
      'daemon users, database reachable and migrated',
    builder: (yargs) =>
      yargs
        .option('daemon-user', {
          type: 'string',
          array: true,
          describe:
            'Unix user that runs passgate for a daemon (dovecot, www-data, ' +
            'the pure-authd -u user); repeat for each',
        })
        .option('executable', {
          type: 'string',
          describe: 'Executable the daemons run (default: this one)',
        }),
    handler: async (options) => {
      const results = await runDoctorChecks({
        configFile: resolveCLIConfigPath(options.config),
        daemonUsers: options.daemonUser ?? [],
        executable: options.executable ?? process.execPath,
      });

      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      } else {
        for (const result of results) {
          const status = result.ok ? 'ok  ' : 'FAIL';
          process.stdout.write(`${status} ${result.name}: ${result.detail}\n`);
        }
      }
      const failed = results.filter((result) => !result.ok).length;
      if (failed > 0) {
        throw new PassgateError(
          ERROR_CODES.PRECONDITION_FAILED,
          `doctor: ${failed} check(s) failed`,
        );
      }
    },
  };
