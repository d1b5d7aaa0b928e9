import { basename } from 'node:path';
import { getExecutionArguments } from '../src/protocol/arguments.ts';

// The one entry: pick the mode from the name the program was called by or
// its first argument, then hand over. Login modes never load the CLI.
const LOGIN_MODES = {
  checkpassword: () =>
    import('../src/protocol/checkpassword/checkpassword-mode.ts').then(
      (module) => module.runCheckpasswordMode,
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

  if (isLoginMode(calledAs)) {
    return (await LOGIN_MODES[calledAs]())(args);
  }
  if (isLoginMode(args[0])) {
    return (await LOGIN_MODES[args[0]]())(args.slice(1));
  }

  const { runCLI } = await import('../src/cli/main.ts');
  return runCLI(args);
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    const name = error instanceof Error ? error.name : typeof error;
    process.stderr.write(`passgate: internal error (${name})\n`);
    if (process.env.PASSGATE_DEBUG === '1') console.error(error);
    process.exitCode = 111;
  },
);
