import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  reserveFreePort,
  startForeground,
  waitForPort,
  type ForegroundDaemon,
} from './daemon.ts';
import { PASSGATE_BIN } from './passgate.ts';
import { makePublicTempDir, runCommand } from './process.ts';
import { execFileSync } from 'node:child_process';
import { recordOutput, recordSecret } from './secrets.ts';
import { requireTools } from './tools.ts';

const PURE_FTPD_PATH = '/usr/sbin/pure-ftpd';
const PURE_AUTHD_PATH = '/usr/sbin/pure-authd';
const CURL_PATH = '/usr/bin/curl';

export type PureFTPdOptions = {
  /** passgate config that the link passgate-pure-authd reads. */
  configPath: string;
  /** User that pure-authd runs the program as (reads the config). */
  authUser: string;
};

/** Private pure-authd and pure-ftpd pair on 127.0.0.1. */
export type PureFTPdServer = {
  port: number;
  dir: string;
  /** pure-authd's and pure-ftpd's output so far. */
  readOutput(): string;
  destroy(): Promise<void>;
};

/**
 * Starts pure-authd on a socket in a temp directory, running the link
 * passgate-pure-authd with PASSGATE_CONFIG set, and pure-ftpd in the
 * foreground with `-l extauth:SOCKET` on a free loopback port.
 */
export async function startPureFTPd(
  options: PureFTPdOptions,
): Promise<PureFTPdServer> {
  requireTools([
    { path: PURE_FTPD_PATH, debianPackage: 'pure-ftpd' },
    { path: PURE_AUTHD_PATH, debianPackage: 'pure-ftpd' },
  ]);
  const dir = makePublicTempDir('passgate-ftp-');
  const program = join(dir, 'passgate-pure-authd');
  symlinkSync(PASSGATE_BIN, program);
  const socket = join(dir, 'authd.sock');
  const ids = userIds(options.authUser);

  const authd = startForeground(
    PURE_AUTHD_PATH,
    ['-s', socket, '-r', program, '-u', ids.uid, '-g', ids.gid],
    { PASSGATE_CONFIG: options.configPath },
  );
  await waitForSocket(socket, authd);
  const port = await reserveFreePort();
  const ftpd = startForeground(PURE_FTPD_PATH, [
    '-S',
    `127.0.0.1,${port}`,
    '-l',
    `extauth:${socket}`,
    '-E',
    '-j',
    '-H',
  ]);
  await waitForPort(port, ftpd);
  return buildServer(port, dir, [authd, ftpd]);
}

function buildServer(
  port: number,
  dir: string,
  daemons: ForegroundDaemon[],
): PureFTPdServer {
  const readOutput = () => daemons.map((daemon) => daemon.output()).join('\n');
  return {
    port,
    dir,
    readOutput,
    async destroy() {
      for (const daemon of [...daemons].reverse()) await daemon.stop();
      recordOutput('pure-ftpd output', readOutput());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Looks up a system user's uid and gid with id(1). */
export function userIds(user: string): { uid: string; gid: string } {
  const run = (flag: string) =>
    execFileSync('/usr/bin/id', [flag, user], { encoding: 'utf8' }).trim();
  return { uid: run('-u'), gid: run('-g') };
}

async function waitForSocket(path: string, daemon: ForegroundDaemon) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (existsSync(path)) return;
    if (daemon.child.exitCode !== null) break;
    await sleep(25);
  }
  throw new Error(`pure-authd created no socket ${path}:\n${daemon.output()}`);
}

/** Result of one FTP login with curl. */
export type FTPLoginResult = {
  accepted: boolean;
  curlExit: number;
  /** curl's verbose transcript with the PASS argument hidden. */
  output: string;
};

/**
 * Logs in over FTP with curl and lists the home directory. The
 * credentials reach curl through its config on stdin, never in argv.
 */
export async function curlFTPLogin(
  port: number,
  user: string,
  password: string,
): Promise<FTPLoginResult> {
  requireTools([{ path: CURL_PATH, debianPackage: 'curl' }]);
  recordSecret(password);
  const config = `user = "${quoteCurlConfig(`${user}:${password}`)}"\n`;
  const result = await runCommand(
    CURL_PATH,
    [
      '--disable',
      '--config',
      '-',
      '--silent',
      '--show-error',
      '--verbose',
      '--max-time',
      '30',
      `ftp://127.0.0.1:${port}/`,
    ],
    { input: config, timeoutMs: 40_000 },
  );
  const output = `${result.stdout}${result.stderr}`.replace(
    /^> PASS .*$/gm,
    '> PASS <hidden>',
  );
  return {
    accepted: result.exitCode === 0,
    curlExit: result.exitCode ?? -1,
    output,
  };
}

/** Escapes a value for a double-quoted string in a curl config file. */
export function quoteCurlConfig(value: string): string {
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\t', '\\t')
    .replaceAll('\r', '\\r')
    .replaceAll('\n', '\\n');
}
