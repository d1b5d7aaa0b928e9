import yargs, { type Argv, type CommandModule } from 'yargs';
import {
  ERROR_CODES,
  isPassgateError,
  PassgateError,
} from '../errors/index.ts';
import packageJSON from '../../package.json' with { type: 'json' };
import { EXIT, exitStatusForError } from '../protocol/exit-codes.ts';
import { LOGIN_MODE_SUMMARIES } from '../protocol/login-mode-help.ts';
import * as commands from './commands/index.ts';
import type { GlobalOptions } from './context.ts';

type AnyCommand = CommandModule<GlobalOptions, any>;

// Subcommands are registered from explicit lists: a single executable has
// no folder to scan.
const GROUPS: { name: string; describe: string; commands: AnyCommand[] }[] = [
  {
    name: 'db',
    describe: 'Manage the database schema',
    commands: [commands.dbMigrateCommand],
  },
  {
    name: 'user',
    describe: 'Manage accounts',
    commands: [
      commands.userAddCommand,
      commands.userPasswdCommand,
      commands.userShowCommand,
      commands.userListCommand,
      commands.userEnableCommand,
      commands.userDisableCommand,
      commands.userDeleteCommand,
      commands.userImportCommand,
    ],
  },
  {
    name: 'report',
    describe: 'Report on the accounts',
    commands: [commands.reportHashesCommand],
  },
  {
    name: 'key',
    describe: 'Manage the site key',
    commands: [
      commands.keyRotateCommand,
      commands.keyStatusCommand,
      commands.keyRetireCommand,
    ],
  },
  {
    name: 'app-password',
    describe: 'Manage app passwords',
    commands: [
      commands.appPasswordAddCommand,
      commands.appPasswordListCommand,
      commands.appPasswordEnableCommand,
      commands.appPasswordDisableCommand,
      commands.appPasswordDeleteCommand,
      commands.appPasswordOnCommand,
      commands.appPasswordOffCommand,
    ],
  },
  {
    name: '2fa',
    describe: 'Manage two-factor authentication',
    commands: [
      commands.twoFactorTOTPCommand,
      commands.twoFactorOTPCommand,
      commands.twoFactorOnCommand,
      commands.twoFactorOffCommand,
    ],
  },
];

/** Builds the CLI parser; strict, and errors come back to runCLI. */
export function buildParser(args: string[]): Argv<GlobalOptions> {
  let parser = yargs(args)
    // A repeated option such as --config takes its last value, as in most
    // Unix tools, instead of becoming an array that no handler expects.
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .scriptName('passgate')
    .usage('$0 <command> [options]')
    .option('config', {
      type: 'string',
      describe:
        'Config file (default: $PASSGATE_CONFIG, else /etc/passgate/passgate.toml)',
      global: true,
    })
    .option('json', {
      type: 'boolean',
      describe: 'Print results as JSON',
      global: true,
    })
    .command(commands.initCommand as AnyCommand)
    .command(commands.doctorCommand as AnyCommand)
    .command(commands.logCommand as AnyCommand)
    .command(commands.unthrottleCommand as AnyCommand);

  for (const group of GROUPS) {
    parser = parser.command(group.name, group.describe, (sub) => {
      for (const command of group.commands) sub.command(command);
      return sub.demandCommand(
        1,
        `name a ${group.name} command; see "passgate ${group.name} --help"`,
      );
    });
  }

  return parser
    .demandCommand(1, 'name a command; see "passgate --help"')
    .strict()
    .fail((message, error) => rethrowAsUsageError(message, error, args))
    .epilogue(describeLoginModes())
    .help()
    .alias('help', 'h')
    .version(packageJSON.version)
    .wrap(Math.min(100, process.stdout.columns ?? 80)) as Argv<GlobalOptions>;
}

function describeLoginModes(): string {
  const width = Math.max(...LOGIN_MODE_SUMMARIES.map(([mode]) => mode.length));
  const lines = LOGIN_MODE_SUMMARIES.map(
    ([mode, summary]) => `  passgate ${mode.padEnd(width)}  ${summary}`,
  );
  return (
    'Login modes, run by a mail or web server (see "passgate MODE --help"):\n' +
    lines.join('\n')
  );
}

// Validation failures arrive with a message only; errors thrown by a
// handler arrive as they are.
function rethrowAsUsageError(
  message: string,
  error: Error | undefined,
  args: readonly string[],
): never {
  if (error !== undefined) throw error;
  const problem = rewordParseFailure(message, args);
  const hint = problem.includes('--help"') ? '' : '; see "passgate --help"';
  throw new PassgateError(ERROR_CODES.USAGE, `${problem}${hint}`);
}

/**
 * Rewords a yargs validation message in passgate's style: lowercase, and
 * each unknown word quoted as typed. yargs drops the dashes of an unknown
 * option, so they are looked up in args.
 */
export function rewordParseFailure(
  message: string,
  args: readonly string[],
): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown === null) {
    return message.charAt(0).toLowerCase() + message.slice(1);
  }
  const names = unknown[1]!.split(', ');
  const typed = names.map((name) => findTypedArgument(name, args));
  const list = typed.map((word) => JSON.stringify(word)).join(', ');
  return typed.every((word) => word.startsWith('-'))
    ? `unknown option ${list}`
    : `unknown command or argument ${list}`;
}

function findTypedArgument(name: string, args: readonly string[]): string {
  const option = args.find(
    (arg) =>
      /^--?[^-]/.test(arg) && arg.replace(/^--?/, '').split('=')[0] === name,
  );
  return option?.split('=')[0] ?? name;
}

/** Runs one CLI command and returns the exit status. */
export async function runCLI(args: string[]): Promise<number> {
  try {
    await buildParser(args).parseAsync();
    return EXIT.OK;
  } catch (error) {
    if (isPassgateError(error)) {
      process.stderr.write(`passgate: ${error.message}\n`);
      return exitStatusForError(error);
    }
    process.stderr.write(
      `passgate: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.TEMPFAIL;
  }
}
