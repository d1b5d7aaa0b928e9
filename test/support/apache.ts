import {
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import {
  reserveFreePort,
  startForeground,
  waitForPort,
  type ForegroundDaemon,
} from './daemon.ts';
import { makePublicTempDir, runCommand } from './process.ts';
import { quoteCurlConfig } from './pureftpd.ts';
import { recordOutput } from './secrets.ts';
import { requireTools } from './tools.ts';

const APACHE_PATH = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
const CURL_PATH = '/usr/bin/curl';

/** Private Apache 2.4 with one WebDAV location behind passgate. */
export type ApacheServer = {
  port: number;
  dir: string;
  readErrorLog(): string;
  destroy(): Promise<void>;
};

/**
 * Starts apache2 in the foreground with a generated config in a temp
 * directory: Listen 127.0.0.1:PORT and /dav/ protected by
 * mod_authnz_external's pipe method running `command`.
 */
export async function startApache(command: string): Promise<ApacheServer> {
  requireTools([{ path: APACHE_PATH, debianPackage: 'apache2' }]);
  if (!existsSync(join(MODULES, 'mod_authnz_external.so'))) {
    throw new Error(
      'libapache2-mod-authnz-external is not installed: ' +
        'run scripts/install-deps.sh as root',
    );
  }
  const dir = makePublicTempDir('passgate-apache-');
  const port = await reserveFreePort();
  mkdirSync(join(dir, 'dav'), { recursive: true });
  writeFileSync(join(dir, 'dav', 'hello.txt'), 'hello\n');
  const configPath = join(dir, 'apache2.conf');
  writeFileSync(configPath, renderConfig(dir, port, command));

  const daemon = startForeground(APACHE_PATH, [
    '-f',
    configPath,
    '-DFOREGROUND',
  ]);
  await waitForPort(port, daemon);
  return buildServer(port, dir, daemon);
}

function buildServer(
  port: number,
  dir: string,
  daemon: ForegroundDaemon,
): ApacheServer {
  const readErrorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    port,
    dir,
    readErrorLog,
    async destroy() {
      await daemon.stop();
      recordOutput('apache error log', readErrorLog());
      recordOutput('apache output', daemon.output());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function renderConfig(dir: string, port: number, command: string): string {
  const modules = [
    'mpm_prefork',
    'authz_core',
    'authz_user',
    'authn_core',
    'auth_basic',
    'authnz_external',
    'dav',
    'dav_fs',
  ];
  return [
    '# Private Apache for passgate tests.',
    `ServerRoot ${dir}`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    `PidFile ${join(dir, 'apache2.pid')}`,
    `ErrorLog ${join(dir, 'error.log')}`,
    'LogLevel info',
    'User www-data',
    'Group www-data',
    ...modules.map(
      (name) => `LoadModule ${name}_module ${MODULES}/mod_${name}.so`,
    ),
    `DavLockDB ${join(dir, 'davlock')}`,
    `DocumentRoot ${dir}`,
    `DefineExternalAuth passgate pipe "${command}"`,
    `<Directory ${join(dir, 'dav')}>`,
    '  Dav On',
    '  AuthType Basic',
    '  AuthName "passgate test"',
    '  AuthBasicProvider external',
    '  AuthExternal passgate',
    '  Require valid-user',
    '</Directory>',
    '',
  ].join('\n');
}

/**
 * Sends PROPFIND /dav/ with basic auth and returns the HTTP status. The
 * credentials reach curl through its config on stdin, never in argv.
 */
export async function curlDAVStatus(
  port: number,
  user: string,
  password: string,
): Promise<number> {
  requireTools([{ path: CURL_PATH, debianPackage: 'curl' }]);
  const result = await runCommand(
    CURL_PATH,
    [
      '--disable',
      '--config',
      '-',
      '--silent',
      '--output',
      '/dev/null',
      '--write-out',
      '%{http_code}',
      '--max-time',
      '30',
      '--request',
      'PROPFIND',
      '--header',
      'Depth: 1',
      `http://127.0.0.1:${port}/dav/`,
    ],
    { input: `user = "${quoteCurlConfig(`${user}:${password}`)}"\n` },
  );
  if (result.exitCode !== 0) {
    throw new Error(`curl failed (${result.exitCode}): ${result.stderr}`);
  }
  return Number(result.stdout);
}
