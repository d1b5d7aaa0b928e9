// Shows passgate's main job on real daemons: a throwaway MariaDB and a
// Dovecot 2.3 on 127.0.0.1 that runs dist/passgate as its checkpassword
// passdb and userdb. An account is managed through the CLI, and curl's
// IMAP logins are accepted or rejected as the account's state changes.
// Run through scripts/demo.sh as root; everything started is removed at
// the end, also after a failure or Ctrl-C.
import { readFileSync, rmSync } from 'node:fs';

import { curlIMAPLogin, type LoginResult } from '../test/support/clients.ts';
import {
  createMailHomeBase,
  startDovecot,
  type DovecotServer,
} from '../test/support/dovecot.ts';
import { startMariaDB, type MariaDBServer } from '../test/support/mariadb.ts';
import {
  createPassgateSite,
  MAIL_GID,
  MAIL_UID,
  PASSGATE_BIN,
  type PassgateSite,
} from '../test/support/passgate.ts';

const USER = 'alice@example.org';
// A throwaway account on a throwaway server, so a fixed password is fine.
const ACCOUNT_PASSWORD = 'Demo-Account-Password';

type Demo = {
  mariadb?: MariaDBServer;
  dovecot?: DovecotServer;
  site?: PassgateSite;
  mailHomeBase?: string;
};

const demo: Demo = {};
let cleaning: Promise<void> | undefined;
// After Ctrl-C the steps still running fail against stopped servers, so
// their output is dropped.
let interrupted = false;

async function startServers(): Promise<Required<Demo>> {
  say('starting a throwaway MariaDB on a private socket ...');
  const mariadb = await startMariaDB();
  demo.mariadb = mariadb;
  const mailHomeBase = createMailHomeBase(MAIL_UID, MAIL_GID);
  demo.mailHomeBase = mailHomeBase;
  const site = await createPassgateSite(mariadb, {
    daemonUser: 'dovecot',
    mailHomeBase,
  });
  demo.site = site;

  say('starting Dovecot 2.3 on 127.0.0.1 with passgate as passdb ...');
  const args = `${PASSGATE_BIN} checkpassword --config ${site.configPath}`;
  const dovecot = await startDovecot({ passdbArgs: args, userdbArgs: args });
  demo.dovecot = dovecot;
  say(`Dovecot IMAP listens on 127.0.0.1:${dovecot.imapPort}`);
  return { mariadb, dovecot, site, mailHomeBase };
}

/** Runs one CLI command, prints it with its first output line. */
async function runCLI(
  site: PassgateSite,
  args: string[],
  input?: string,
): Promise<string> {
  const result = await site.cli(args, input);
  if (result.exitCode !== 0) {
    throw new Error(`passgate ${args.join(' ')} failed: ${result.stderr}`);
  }
  const firstLine = result.stdout.trim().split('\n')[0] ?? '';
  step(`passgate ${args.join(' ')}`, firstLine);
  return result.stdout;
}

/** Tries one IMAP login and prints the reply Dovecot sent. */
async function tryLogin(
  dovecot: DovecotServer,
  secretLabel: string,
  secret: string,
): Promise<LoginResult> {
  const result = await curlIMAPLogin(dovecot.imapPort, USER, secret);
  const answer = findAuthenticateReply(result.output);
  step(
    `IMAP login with ${secretLabel}`,
    `${result.outcome.toUpperCase()}: Dovecot "${answer}"` +
      ` (passgate: ${readLastReason()})`,
  );
  return result;
}

// The passdb run logs one "event=login" line per login before Dovecot
// replies, and its reason code names why passgate accepted or rejected.
function readLastReason(): string {
  const logPath = demo.site?.logPath;
  if (logPath === undefined) return 'no log';
  const line = readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((text) => text.includes(' event=login '))
    .at(-1);
  return /\breason=(\S+)/.exec(line ?? '')?.[1] ?? 'no decision logged';
}

// curl's verbose transcript has "> A002 AUTHENTICATE PLAIN <hidden>" and
// later the tagged reply "< A002 OK ..." or "< A002 NO ...".
function findAuthenticateReply(output: string): string {
  const command = /^> (\S+) AUTHENTICATE /m.exec(output);
  if (command?.[1] !== undefined) {
    const tag = command[1];
    const reply = output
      .split('\n')
      .find((line) => line.startsWith(`< ${tag} `));
    if (reply !== undefined) return reply.slice(2).trim();
  }
  const curlError = /^curl: \(\d+\).*$/m.exec(output);
  return curlError?.[0] ?? 'no reply';
}

async function showAppPasswordRules(servers: Required<Demo>): Promise<string> {
  const { site, dovecot } = servers;
  await runCLI(
    site,
    ['user', 'add', USER, '--password-stdin'],
    `${ACCOUNT_PASSWORD}\n`,
  );
  await tryLogin(dovecot, 'the account password', ACCOUNT_PASSWORD);

  const created = await site.cliJSON([
    'app-password',
    'add',
    USER,
    '--name',
    'phone',
  ]);
  step(
    `passgate app-password add ${USER} --name phone`,
    `app password ${created.id}: ${created.password} (shown once)`,
  );
  await runCLI(site, ['app-password', 'on', USER]);
  await tryLogin(dovecot, 'the account password', ACCOUNT_PASSWORD);
  await tryLogin(dovecot, 'the app password', created.password);
  const retyped = created.password.toUpperCase().replaceAll('-', ' ');
  await tryLogin(dovecot, `"${retyped}"`, retyped);

  await runCLI(site, ['app-password', 'disable', USER, String(created.id)]);
  await tryLogin(dovecot, 'the disabled app password', created.password);
  await runCLI(site, ['app-password', 'enable', USER, String(created.id)]);
  return created.password;
}

async function showTwoFactor(
  servers: Required<Demo>,
  appPassword: string,
): Promise<void> {
  const { site, dovecot } = servers;
  await runCLI(site, ['app-password', 'off', USER]);
  await tryLogin(dovecot, 'the account password', ACCOUNT_PASSWORD);

  const list = await site.cliJSON(['2fa', 'otp', USER, '--count', '5']);
  step(
    `passgate 2fa otp ${USER} --count 5`,
    `${list.codes.length} one-time passwords for webmail 2FA (shown once)`,
  );
  await runCLI(site, ['2fa', 'on', USER]);
  await tryLogin(dovecot, 'the account password', ACCOUNT_PASSWORD);
  await tryLogin(dovecot, 'the app password, switch off', appPassword);
  await runCLI(site, ['app-password', 'on', USER]);
  await tryLogin(dovecot, 'the app password', appPassword);
}

async function showDatabaseDown(
  servers: Required<Demo>,
  appPassword: string,
): Promise<void> {
  await servers.mariadb.stop();
  step('stop MariaDB', 'the database is down');
  await tryLogin(servers.dovecot, 'the app password', appPassword);
  const line = await servers.dovecot.waitForLog(/exited with status 111/);
  step('Dovecot log', line.replace(/^.*?auth: /, 'auth: '));
}

async function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await demo.dovecot?.destroy().catch(report);
    await demo.mariadb?.destroy().catch(report);
    for (const dir of [demo.site?.dir, demo.mailHomeBase]) {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  })();
  return cleaning;
}

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  say(`${signal}: stopping the servers and removing their files`);
  interrupted = true;
  void cleanUp().finally(() => process.exit(130));
}

function say(text: string): void {
  if (!interrupted) process.stdout.write(`demo: ${text}\n`);
}

function step(action: string, answer: string): void {
  if (!interrupted)
    process.stdout.write(`  ${action.padEnd(46)} -> ${answer}\n`);
}

function report(error: unknown): void {
  if (interrupted) return;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`demo: error: ${message}\n`);
}

async function main(): Promise<number> {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const servers = await startServers();
    const appPassword = await showAppPasswordRules(servers);
    await showTwoFactor(servers, appPassword);
    await showDatabaseDown(servers, appPassword);
    say('done; stopping the servers and removing their files');
    return 0;
  } catch (error) {
    report(error);
    return 1;
  } finally {
    await cleanUp();
  }
}

process.exitCode = await main();
