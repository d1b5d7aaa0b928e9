import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
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

const MARIADBD_PATH = '/usr/sbin/mariadbd';
const INSTALL_DB_PATH = '/usr/bin/mariadb-install-db';
const CLIENT_PATH = '/usr/bin/mariadb';
const STOP_TIMEOUT_MS = 30_000;
const QUERY_TIMEOUT_MS = 30_000;
// sun_path in struct sockaddr_un is 108 bytes on Linux, including the NUL.
const MAX_SOCKET_PATH_BYTES = 107;

// Small buffers and no performance schema keep several servers within a
// small test machine: one MariaDB 10.11 server used about 55 MB of RSS
// right after start with these options on Debian 12.
const MEMORY_OPTIONS = [
  '--innodb-buffer-pool-size=16M',
  '--innodb-log-file-size=4M',
  '--innodb-log-buffer-size=1M',
  '--key-buffer-size=1M',
  '--aria-pagecache-buffer-size=8M',
  '--performance-schema=OFF',
  '--max-connections=100',
];

/** Options for startMariaDB. */
export type MariaDBOptions = {
  /** Time allowed for the server to accept a query after each start. */
  startTimeoutMs?: number;
  /** More mariadbd options, appended after the defaults. */
  extraArgs?: readonly string[];
};

/** Throwaway MariaDB server that listens only on a Unix socket. */
export type MariaDBServer = {
  /** Unix socket path, reachable by every local user. */
  socket: string;
  /** Temp directory that contains the data dir, socket and error.log. */
  dir: string;
  /**
   * Run SQL as root through the mariadb client (batch mode, no column
   * names) and return its stdout without the final newline. Rejects with
   * the client's stderr when the client exits non-zero.
   */
  rootQuery(sql: string): Promise<string>;
  /** Send SIGTERM and wait for a clean shutdown (resumes a paused server). */
  stop(): Promise<void>;
  /** Start the server again on the same data directory. */
  start(): Promise<void>;
  /** Send SIGSTOP: connections hang as they would on a stuck server. */
  pause(): void;
  /** Send SIGCONT after pause(). */
  resume(): void;
  /** Stop the server and remove its temp directory. */
  destroy(): Promise<void>;
};

/**
 * Create a data directory in a fresh temp directory and start mariadbd on
 * it. Resolves once root can run a query over the socket.
 */
export async function startMariaDB(
  options: MariaDBOptions = {},
): Promise<MariaDBServer> {
  requireTools([
    { path: MARIADBD_PATH, debianPackage: 'mariadb-server' },
    { path: INSTALL_DB_PATH, debianPackage: 'mariadb-server' },
    { path: CLIENT_PATH, debianPackage: 'mariadb-client' },
  ]);

  const dir = makePublicTempDir('passgate-mariadb-');
  const server = new MariaDBInstance(dir, options);
  try {
    checkSocketPath(server.socket);
    await installDataDir(dir);
    await server.start();
  } catch (error) {
    await server.destroy();
    throw error;
  }
  return server;
}

/**
 * Create database `name` and the account 'user'@'localhost' identified by
 * password, with all privileges on that database only.
 */
export async function createDatabase(
  db: MariaDBServer,
  name: string,
  user: string,
  password: string,
): Promise<void> {
  const account = `${quoteSQLString(user)}@'localhost'`;
  await db.rootQuery(
    `CREATE DATABASE ${quoteSQLIdentifier(name)};\n` +
      `CREATE USER ${account} IDENTIFIED BY ${quoteSQLString(password)};\n` +
      `GRANT ALL PRIVILEGES ON ${quoteSQLIdentifier(name)}.* TO ${account};\n`,
  );
}

/** Quote a value as a MariaDB string literal (default sql_mode). */
export function quoteSQLString(value: string): string {
  if (value.includes('\0')) {
    throw new Error('SQL string literal must not contain a NUL byte');
  }
  const escaped = value.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
  return `'${escaped}'`;
}

/** Quote a name as a MariaDB identifier in backticks. */
export function quoteSQLIdentifier(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

function checkSocketPath(socket: string): void {
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
    throw new Error(
      `socket path is longer than ${MAX_SOCKET_PATH_BYTES} bytes: ` +
        `${socket}. Set TMPDIR to a shorter directory.`,
    );
  }
}

async function installDataDir(dir: string): Promise<void> {
  const result = await runCommand(INSTALL_DB_PATH, [
    '--no-defaults',
    `--datadir=${join(dir, 'data')}`,
    // Temp tables are named by pid; in a shared /tmp, servers in other
    // pid namespaces can pick the same names and delete each other's.
    `--tmpdir=${dir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--user=root',
    // A private temp directory, so that cleanup by other programs in /tmp
    // cannot remove the server's temporary tables.
    `--tmpdir=${dir}`,
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=4M',
  ]);
  if (result.exitCode !== 0) {
    throw new Error(
      `mariadb-install-db failed (exit ${result.exitCode}):\n` +
        `${result.stderr}${result.stdout}`,
    );
  }
}

class MariaDBInstance implements MariaDBServer {
  readonly socket: string;
  readonly dir: string;
  readonly #options: MariaDBOptions;
  #child: ChildProcess | undefined;
  #stderr = '';

  constructor(dir: string, options: MariaDBOptions) {
    this.dir = dir;
    this.socket = join(dir, 'mysqld.sock');
    this.#options = options;
  }

  async rootQuery(sql: string): Promise<string> {
    const result = await runCommand(
      CLIENT_PATH,
      [
        '--no-defaults',
        `--socket=${this.socket}`,
        '--user=root',
        '--batch',
        '--skip-column-names',
      ],
      { input: sql, timeoutMs: QUERY_TIMEOUT_MS },
    );
    if (result.exitCode !== 0) {
      const status = result.signal ?? `exit ${result.exitCode}`;
      throw new Error(`mariadb client failed (${status}): ${result.stderr}`);
    }
    return result.stdout.replace(/\n$/, '');
  }

  async start(): Promise<void> {
    if (this.#child && !hasExited(this.#child)) {
      throw new Error(`mariadbd is already running in ${this.dir}`);
    }

    this.#stderr = '';
    const child = spawn(MARIADBD_PATH, this.#serverArgs(), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    trackChild(child);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    this.#child = child;

    await this.#waitUntilReady(child);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || hasExited(child)) return;

    child.kill('SIGCONT');
    child.kill('SIGTERM');
    if (await waitForExit(child, STOP_TIMEOUT_MS)) return;

    child.kill('SIGKILL');
    await waitForExit(child, STOP_TIMEOUT_MS);
    throw new Error(
      `mariadbd did not stop within ${STOP_TIMEOUT_MS} ms after SIGTERM, ` +
        `so it was killed:\n${this.#readErrorLog()}`,
    );
  }

  pause(): void {
    this.#signalRunning('SIGSTOP');
  }

  resume(): void {
    this.#signalRunning('SIGCONT');
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  #serverArgs(): string[] {
    return [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      `--tmpdir=${this.dir}`,
      `--socket=${this.socket}`,
      '--skip-networking',
      `--pid-file=${join(this.dir, 'mysqld.pid')}`,
      `--log-error=${join(this.dir, 'error.log')}`,
      `--tmpdir=${this.dir}`,
      '--user=root',
      ...MEMORY_OPTIONS,
      ...(this.#options.extraArgs ?? []),
    ];
  }

  async #waitUntilReady(child: ChildProcess): Promise<void> {
    const timeoutMs = this.#options.startTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (hasExited(child)) {
        const status = child.signalCode ?? `exit ${child.exitCode}`;
        throw this.#startError(`mariadbd stopped during startup (${status})`);
      }
      if (await this.#answersQuery()) return;
      await sleep(100);
    }
    await this.stop().catch(() => undefined);
    throw this.#startError(
      `mariadbd did not accept a query within ${timeoutMs} ms`,
    );
  }

  async #answersQuery(): Promise<boolean> {
    const result = await runCommand(
      CLIENT_PATH,
      ['--no-defaults', `--socket=${this.socket}`, '--user=root'],
      { input: 'SELECT 1', timeoutMs: 5_000 },
    );
    return result.exitCode === 0;
  }

  #signalRunning(signal: NodeJS.Signals): void {
    if (!this.#child || hasExited(this.#child)) {
      throw new Error(`mariadbd is not running in ${this.dir}`);
    }
    this.#child.kill(signal);
  }

  #startError(reason: string): Error {
    return new Error(`${reason}:\n${this.#readErrorLog()}`);
  }

  #readErrorLog(): string {
    const log = readTail(join(this.dir, 'error.log'));
    return `${log}\n${this.#stderr}`.trim();
  }
}
