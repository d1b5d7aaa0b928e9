import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  hasExited,
  makePublicTempDir,
  readTail,
  runCommand,
  trackChild,
  waitForExit,
} from './process.ts';
import { requireTools } from './tools.ts';

const DOVECOT_PATH = '/usr/sbin/dovecot';
const RUNUSER_PATH = '/usr/sbin/runuser';
const TEST_PATH = '/usr/bin/test';
// Dovecot runs checkpassword programs as its auth service user.
const AUTH_USER = 'dovecot';
const STOP_TIMEOUT_MS = 30_000;
const START_ATTEMPTS = 3;

/** Options for startDovecot. */
export type DovecotOptions = {
  /**
   * `args` of the checkpassword passdb: the program path and its options,
   * split on single spaces by Dovecot, which also expands %variables (so
   * write % as %%). The program must be executable by user dovecot.
   */
  passdbArgs: string;
  /** `args` of the checkpassword userdb, with the same rules. */
  userdbArgs: string;
  /** Configuration text appended after the generated settings. */
  extraConfig?: string;
  /**
   * passdb and userdb sections that replace the checkpassword ones, e.g.
   * a Lua driver. passdbArgs still names a program that must be
   * executable by user dovecot.
   */
  authDatabases?: string;
  /**
   * Absolute path of an extra auth-client socket (mode 0666) for SASL
   * clients such as Postfix. Its directory must exist.
   */
  authListenerPath?: string;
  /**
   * Lowest uid allowed for mail access. Dovecot's default of 500 keeps a
   * reply without userdb_uid, which falls back to the uid of user dovecot
   * (a system uid below 500 on Debian), from reaching a mailbox.
   */
  firstValidUid?: number;
  /** Time allowed for the IMAP port to send its greeting. */
  startTimeoutMs?: number;
};

/** Private Dovecot 2.3 instance listening on 127.0.0.1. */
export type DovecotServer = {
  imapPort: number;
  pop3Port: number;
  lmtpPort: number;
  logPath: string;
  configPath: string;
  /** Temp directory that contains the config, base_dir, state and log. */
  dir: string;
  /** Stop the master with SIGTERM and wait. The files stay for reading. */
  stop(): Promise<void>;
  /** Stop the instance and remove its temp directory. */
  destroy(): Promise<void>;
  /** Return the whole log file, or '' before the first line is written. */
  readLog(): string;
  /**
   * Poll the log until a line matches and return that line. Dovecot's log
   * process writes a moment after the client sees the reply, so tests
   * should wait rather than read once.
   */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
};

type Ports = { imap: number; pop3: number; lmtp: number };

/**
 * Start `dovecot -F` with a generated config in a fresh temp directory.
 * Ports are picked at run time, and a start that loses a port race to
 * another process is retried with new ports.
 */
export async function startDovecot(
  options: DovecotOptions,
): Promise<DovecotServer> {
  requireDovecotTools();
  await checkProgramReachable(options.passdbArgs);
  await checkProgramReachable(options.userdbArgs);

  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const ports = await reserveFreePorts();
    const dir = makePublicTempDir('passgate-dovecot-');
    const instance = new DovecotInstance(dir, ports);
    try {
      await instance.start(options);
      return instance;
    } catch (error) {
      lastError = error;
      await instance.destroy();
      if (!String(error).includes('Address already in use')) break;
    }
  }
  throw lastError;
}

/**
 * Create a temp directory owned by uid:gid with mode 0755, to hold the
 * homes that the userdb returns. Mail processes run as uid and create
 * each home below it on first delivery or login.
 */
export function createMailHomeBase(uid: number, gid: number): string {
  const dir = makePublicTempDir('passgate-mail-');
  chownSync(dir, uid, gid);
  return dir;
}

function requireDovecotTools(): void {
  requireTools([
    { path: DOVECOT_PATH, debianPackage: 'dovecot-core' },
    {
      path: '/usr/lib/dovecot/checkpassword-reply',
      debianPackage: 'dovecot-core',
    },
    { path: '/usr/lib/dovecot/imap', debianPackage: 'dovecot-imapd' },
    { path: '/usr/lib/dovecot/pop3', debianPackage: 'dovecot-pop3d' },
    { path: '/usr/lib/dovecot/lmtp', debianPackage: 'dovecot-lmtpd' },
    { path: RUNUSER_PATH, debianPackage: 'util-linux' },
  ]);
}

/** Fail early when user dovecot cannot execute the checkpassword program. */
async function checkProgramReachable(args: string): Promise<void> {
  if (/[\r\n]/.test(args)) {
    throw new Error(`checkpassword args must be one line: ${args}`);
  }
  const program = args.split(' ')[0] ?? '';
  const result = await runCommand(RUNUSER_PATH, [
    '-u',
    AUTH_USER,
    '--',
    TEST_PATH,
    '-x',
    program,
  ]);
  if (result.exitCode !== 0) {
    throw new Error(
      `user ${AUTH_USER} cannot execute the checkpassword program ` +
        `"${program}": check the mode of the file and of each parent ` +
        `directory ${result.stderr}`.trim(),
    );
  }
}

/** Bind port 0 three times at once, so the three ports differ. */
async function reserveFreePorts(): Promise<Ports> {
  const servers = [createServer(), createServer(), createServer()];
  const ports: number[] = [];
  for (const server of servers) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    ports.push((server.address() as AddressInfo).port);
  }
  await Promise.all(
    servers.map((server) => new Promise((resolve) => server.close(resolve))),
  );

  const [imap = 0, pop3 = 0, lmtp = 0] = ports;
  return { imap, pop3, lmtp };
}

function renderConfig(
  dir: string,
  ports: Ports,
  options: DovecotOptions,
): string {
  return [
    '# Private Dovecot 2.3 instance for passgate tests.',
    `base_dir = ${join(dir, 'run')}`,
    `state_dir = ${join(dir, 'state')}`,
    `log_path = ${join(dir, 'dovecot.log')}`,
    'protocols = imap pop3 lmtp',
    'listen = 127.0.0.1',
    'ssl = no',
    'disable_plaintext_auth = no',
    'mail_location = maildir:~/Maildir',
    `first_valid_uid = ${options.firstValidUid ?? 500}`,
    renderAuthConfig(options),
    renderServiceConfig(ports, options.authListenerPath),
    options.extraConfig ?? '',
  ].join('\n');
}

function renderAuthConfig(options: DovecotOptions): string {
  return `auth_mechanisms = plain login
# Rejections reach the client about 0.5 s later instead of 2 s.
auth_failure_delay = 0
auth_debug = yes
auth_verbose = yes
${options.authDatabases ?? renderCheckpasswordDatabases(options)}
# No growing delay after repeated failures from 127.0.0.1.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`;
}

function renderCheckpasswordDatabases(options: DovecotOptions): string {
  return `passdb {
  driver = checkpassword
  args = ${options.passdbArgs}
}
userdb {
  driver = checkpassword
  args = ${options.userdbArgs}
}`;
}

// The checkpassword program inherits the auth process's address-space
// limit (default_vsz_limit, 256M). passgate is a Node 24 executable whose
// V8 reserves about 1.5 GiB of address space at start (measured on Debian
// 12), so under 256M every login crashes and becomes a temporary failure.
function renderServiceConfig(ports: Ports, authListenerPath?: string) {
  const listener = authListenerPath
    ? `  unix_listener ${authListenerPath} {
    mode = 0666
  }
`
    : '';
  const authService = `service auth {
  vsz_limit = 4G
${listener}}
`;
  return `${authService}service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = ${ports.lmtp}
  }
}
`;
}

class DovecotInstance implements DovecotServer {
  readonly imapPort: number;
  readonly pop3Port: number;
  readonly lmtpPort: number;
  readonly logPath: string;
  readonly configPath: string;
  readonly dir: string;
  readonly #ports: Ports;
  #child: ChildProcess | undefined;
  #stderr = '';

  constructor(dir: string, ports: Ports) {
    this.dir = dir;
    this.#ports = ports;
    this.imapPort = ports.imap;
    this.pop3Port = ports.pop3;
    this.lmtpPort = ports.lmtp;
    this.logPath = join(dir, 'dovecot.log');
    this.configPath = join(dir, 'dovecot.conf');
  }

  async start(options: DovecotOptions): Promise<void> {
    for (const name of ['run', 'state']) {
      mkdirSync(join(this.dir, name), { mode: 0o755 });
    }
    const config = renderConfig(this.dir, this.#ports, options);
    writeFileSync(this.configPath, config);
    chmodSync(this.configPath, 0o644);

    const child = spawn(DOVECOT_PATH, ['-F', '-c', this.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    const keepOutput = (chunk: string): void => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    };
    child.stdout?.setEncoding('utf8').on('data', keepOutput);
    child.stderr?.setEncoding('utf8').on('data', keepOutput);
    this.#child = child;

    await this.#waitForGreeting(child, options.startTimeoutMs ?? 30_000);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || hasExited(child)) return;

    child.kill('SIGTERM');
    if (await waitForExit(child, STOP_TIMEOUT_MS)) return;

    child.kill('SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
    throw new Error(
      `dovecot did not stop within ${STOP_TIMEOUT_MS} ms after SIGTERM, ` +
        `so it was killed:\n${readTail(this.logPath)}`,
    );
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  readLog(): string {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  async waitForLog(pattern: RegExp, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.readLog()
        .split('\n')
        .find((text) => pattern.test(text));
      if (line !== undefined) return line;
      if (Date.now() >= deadline) break;
      await sleep(50);
    }
    throw new Error(
      `no Dovecot log line matched ${pattern} within ${timeoutMs} ms:\n` +
        readTail(this.logPath),
    );
  }

  async #waitForGreeting(child: ChildProcess, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (hasExited(child)) {
        const status = child.signalCode ?? `exit ${child.exitCode}`;
        throw this.#startError(`dovecot stopped during startup (${status})`);
      }
      if (await receivesGreeting(this.imapPort)) return;
      await sleep(50);
    }
    throw this.#startError(
      `dovecot IMAP port ${this.imapPort} sent no greeting ` +
        `within ${timeoutMs} ms`,
    );
  }

  #startError(reason: string): Error {
    const output = `${this.#stderr}\n${readTail(this.logPath)}`.trim();
    return new Error(`${reason}:\n${output}`);
  }
}

/** Connect to 127.0.0.1:port and report whether "* OK" arrives. */
function receivesGreeting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (greeted: boolean): void => {
      socket.destroy();
      resolve(greeted);
    };
    socket.setTimeout(2_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (data) => finish(data.toString().startsWith('* OK')));
  });
}
