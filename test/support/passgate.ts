import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  writeFileSync,
} from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createDatabase, type MariaDBServer } from './mariadb.ts';
import {
  makePublicTempDir,
  runCommand,
  type CommandResult,
} from './process.ts';
import {
  recordLogFile,
  recordOutput,
  recordSecret,
  recordSecretsOf,
} from './secrets.ts';

/** The built executable under test; PASSGATE_BIN overrides it. */
export const PASSGATE_BIN = resolve(
  process.env.PASSGATE_BIN ?? join(import.meta.dirname, '../../dist/passgate'),
);

/** Uid and gid that the test userdb returns; no system user needs them. */
export const MAIL_UID = 5000;
export const MAIL_GID = 5000;

export interface SiteOptions {
  /** Extra TOML appended to the generated config. */
  extraConfig?: string;
  /** Webmail networks written into [webmail]. */
  webmailNetworks?: string[];
  /** Base directory of the mail homes; default a temp path. */
  mailHomeBase?: string;
  /** Unix user that must read the config (the Dovecot auth user). */
  daemonUser?: string;
}

/** A passgate installation for tests: config, site key, schema. */
export interface PassgateSite {
  dir: string;
  configPath: string;
  logPath: string;
  siteKeyPath: string;
  /** Name of the site's database on the shared MariaDB server. */
  databaseName: string;
  /** Runs the CLI with --config; `input` goes to its stdin. */
  cli(args: string[], input?: string): Promise<CommandResult>;
  /** Runs the CLI with --json and parses stdout; throws on failure. */
  cliJSON<T = any>(args: string[], input?: string): Promise<T>;
}

/**
 * Creates a database and user on the MariaDB server, a config and site key
 * in a temp directory readable by `daemonUser`, and migrates the schema.
 */
export async function createPassgateSite(
  mariadb: MariaDBServer,
  options: SiteOptions = {},
): Promise<PassgateSite> {
  requireBinary();
  const dir = makeSiteDir();
  const databaseName = `passgate_${randomBytes(4).toString('hex')}`;
  const databasePassword = randomBytes(12).toString('hex');
  await createDatabase(mariadb, databaseName, databaseName, databasePassword);

  const paths = {
    configPath: join(dir, 'passgate.toml'),
    logPath: join(dir, 'passgate.log'),
    siteKeyPath: join(dir, 'site.key'),
    passwordFile: join(dir, 'db.password'),
  };
  writeFileSync(paths.passwordFile, `${databasePassword}\n`, { mode: 0o600 });
  writeFileSync(
    paths.configPath,
    renderConfig(mariadb, databaseName, paths, options),
  );
  const site = { ...buildSite(dir, paths), databaseName };

  await expectSuccess(site.cli(['init']), 'passgate init');
  await expectSuccess(site.cli(['db', 'migrate']), 'passgate db migrate');
  writeFileSync(paths.logPath, '', { mode: 0o640 });
  recordLogFile(paths.logPath);
  if (options.daemonUser !== undefined) {
    giveTo(options.daemonUser, [
      paths.configPath,
      paths.siteKeyPath,
      paths.passwordFile,
      paths.logPath,
    ]);
  }
  return site;
}

// Inside a test run the site lives in the run directory, which
// scripts/run-tests.sh removes after the final log check has read it.
function makeSiteDir(): string {
  const runDir = process.env.PASSGATE_TEST_RUN_DIR;
  if (runDir === undefined) return makePublicTempDir('passgate-site-');
  const dir = mkdtempSync(join(runDir, 'site-'));
  chmodSync(dir, 0o755);
  return dir;
}

function buildSite(
  dir: string,
  paths: { configPath: string; logPath: string; siteKeyPath: string },
): Omit<PassgateSite, 'databaseName'> {
  const cli = async (args: string[], input?: string) => {
    if (input !== undefined) recordSecret(input.trim());
    const result = await runCommand(
      PASSGATE_BIN,
      ['--config', paths.configPath, ...args],
      { input },
    );
    recordOutput(`passgate ${args.join(' ')} stderr`, result.stderr);
    return result;
  };
  return {
    dir,
    ...paths,
    cli,
    async cliJSON(args, input) {
      const result = await cli([...args, '--json'], input);
      if (result.exitCode !== 0) {
        throw new Error(
          `passgate ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`,
        );
      }
      const parsed = JSON.parse(result.stdout);
      recordSecretsOf(parsed);
      return parsed;
    },
  };
}

function renderConfig(
  mariadb: MariaDBServer,
  databaseName: string,
  paths: { logPath: string; siteKeyPath: string; passwordFile: string },
  options: SiteOptions,
): string {
  const home = join(options.mailHomeBase ?? '/nonexistent', '%d/%n');
  return [
    `site_key_file = ${JSON.stringify(paths.siteKeyPath)}`,
    'deadline_seconds = 4',
    '[database]',
    `socket = ${JSON.stringify(mariadb.socket)}`,
    `user = ${JSON.stringify(databaseName)}`,
    `password_file = ${JSON.stringify(paths.passwordFile)}`,
    `name = ${JSON.stringify(databaseName)}`,
    'connect_timeout_seconds = 2',
    '[userdb]',
    `uid = ${MAIL_UID}`,
    `gid = ${MAIL_GID}`,
    `home = ${JSON.stringify(home)}`,
    '[webmail]',
    `networks = ${JSON.stringify(options.webmailNetworks ?? [])}`,
    '[log]',
    `file = ${JSON.stringify(paths.logPath)}`,
    options.extraConfig ?? '',
    '',
  ].join('\n');
}

/** Runs the checkpassword mode with `data` on fd 3 and a reply on fd 4. */
export function runCheckpassword(
  configPath: string,
  data: Buffer,
  environment: Record<string, string>,
  replyCommand: string[] = [REPLY_SCRIPT],
): Promise<{ exitCode: number | null; stderr: string; reply: string }> {
  ensureReplyScript();
  recordPasswordField(data);
  const child = spawn(
    PASSGATE_BIN,
    ['checkpassword', '--config', configPath, ...replyCommand],
    { env: environment, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const fd3 = child.stdio[3] as NodeJS.WritableStream;
  fd3.on('error', () => undefined);
  fd3.end(data);
  let stderr = '';
  let reply = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  (child.stdio[4] as NodeJS.ReadableStream).setEncoding('utf8');
  (child.stdio[4] as NodeJS.ReadableStream).on(
    'data',
    (chunk) => (reply += chunk),
  );
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      recordOutput('checkpassword stderr', stderr);
      resolvePromise({ exitCode, stderr, reply });
    });
  });
}

// A reply program for tests without Dovecot: prints the variables that
// Dovecot's checkpassword-reply reads to fd 4 and exits like it does.
const REPLY_SCRIPT = '/tmp/passgate-test-reply.sh';

function ensureReplyScript(): void {
  if (existsSync(REPLY_SCRIPT)) return;
  writeFileSync(
    REPLY_SCRIPT,
    '#!/bin/sh\n' +
      'printf "user=%s\\thome=%s\\tuid=%s\\tgid=%s\\textra=%s\\tauthorized=%s\\n" ' +
      '"$USER" "$HOME" "$userdb_uid" "$userdb_gid" "$EXTRA" "$AUTHORIZED" >&4\n' +
      '[ "$AUTHORIZED" = 2 ] && exit 2\nexit 0\n',
    { mode: 0o755 },
  );
}

function recordPasswordField(data: Buffer): void {
  const fields = data.toString('utf8').split('\0');
  if (fields[1] !== undefined) recordSecret(fields[1]);
}

async function expectSuccess(result: Promise<CommandResult>, what: string) {
  const finished = await result;
  if (finished.exitCode !== 0) {
    throw new Error(
      `${what} failed (${finished.exitCode}): ${finished.stderr}`,
    );
  }
}

function giveTo(user: string, files: string[]): void {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }));
  for (const file of files) chownSync(file, uid, gid);
}

function requireBinary(): void {
  if (!existsSync(PASSGATE_BIN)) {
    throw new Error(`${PASSGATE_BIN} is missing: build it with "make"`);
  }
  if (userInfo().uid !== 0) {
    throw new Error('the passgate tests run as root (they start daemons)');
  }
}
