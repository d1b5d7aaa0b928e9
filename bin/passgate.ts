import { basename } from 'node:path';
import { getExecutionArguments } from '../src/protocol/arguments.ts';
import {
  findLoginModeUsage,
  isHelpRequest,
} from '../src/protocol/login-mode-help.ts';

// The one entry: pick the mode from the name the program was called by or
// its first argument, then hand over. Login modes never load the CLI.
const LOGIN_MODES = {
  checkpassword: () =>
    import('../src/protocol/checkpassword/checkpassword-mode.ts').then(
      (module) => module.runCheckpasswordMode,
    ),
  verify: () =>
    import('../src/protocol/verify/verify-mode.ts').then(
      (module) => module.runVerifyMode,
    ),
  'pure-authd': () =>
    import('../src/protocol/pureftpd-extauth/pure-authd-mode.ts').then(
      (module) => module.runPureAuthdMode,
    ),
  pam: () =>
    import('../src/protocol/pam-exec/pam-mode.ts').then(
      (module) => module.runPAMMode,
    ),
  apache: () =>
    import('../src/protocol/apache-external/apache-mode.ts').then(
      (module) => module.runApacheMode,
    ),
  'lua-bridge': () =>
    import('../src/protocol/dovecot-lua/lua-bridge-mode.ts').then(
      (module) => module.runLuaBridgeMode,
    ),
} as const;

type LoginMode = keyof typeof LOGIN_MODES;

function isLoginMode(name: string | undefined): name is LoginMode {
  return name !== undefined && Object.hasOwn(LOGIN_MODES, name);
}

async function main(): Promise<number> {
  const args = getExecutionArguments();
  const calledAs = basename(process.argv0).replace(/^passgate-/, '');

  if (isLoginMode(calledAs)) return runLoginMode(calledAs, args);
  if (isLoginMode(args[0])) return runLoginMode(args[0], args.slice(1));

  const { runCLI } = await import('../src/cli/main.ts');
  return runCLI(args);
}

// --help prints the usage without reading a request, the config or the
// log. It exits 2 and never 0, because mod_authnz_external and pam_exec
// take exit status 0 as an accepted login.
async function runLoginMode(
  mode: LoginMode,
  args: readonly string[],
): Promise<number> {
  const usage = findLoginModeUsage(mode);
  if (usage !== undefined && isHelpRequest(args)) {
    process.stdout.write(usage);
    return 2;
  }
  return (await LOGIN_MODES[mode]())(args);
}

// A bug that escapes every handler must end a login with 111, never 0 and
// never a stack trace in the daemon's log.
function failInternally(error: unknown): void {
  const name = error instanceof Error ? error.name : typeof error;
  process.stderr.write(`passgate: internal error (${name})\n`);
  if (process.env.PASSGATE_DEBUG === '1') console.error(error);
  process.exit(111);
}

process.on('uncaughtException', failInternally);
process.on('unhandledRejection', failInternally);

// The outcome is final once main() returns. A handle that outlives it
// (a database socket that a stopped server never closes) must not keep
// the process alive, so it exits at the latest one second later.
const EXIT_GRACE_MILLISECONDS = 1000;

main().then((status) => {
  process.exitCode = status;
  setTimeout(() => process.exit(status), EXIT_GRACE_MILLISECONDS).unref();
}, failInternally);
