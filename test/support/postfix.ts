import {
  chownSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { reserveFreePort } from './daemon.ts';
import { makePublicTempDir, runCommand } from './process.ts';
import { userIds } from './pureftpd.ts';
import { recordOutput } from './secrets.ts';
import { requireTools } from './tools.ts';

const POSTFIX_PATH = '/usr/sbin/postfix';
const SWAKS_PATH = '/usr/bin/swaks';

/** Private Postfix instance with smtpd on a loopback port. */
export type PostfixServer = {
  port: number;
  dir: string;
  readLog(): string;
  destroy(): Promise<void>;
};

/**
 * Starts a private Postfix (`postfix -c DIR start`) whose smtpd listens on
 * 127.0.0.1:PORT and sends SMTP AUTH to the Dovecot auth socket at
 * `saslSocketPath` (smtpd_sasl_type = dovecot). Nothing runs chrooted and
 * no mail is delivered: relaying is allowed to authenticated clients only.
 */
export async function startPostfix(
  saslSocketPath: string,
): Promise<PostfixServer> {
  requireTools([{ path: POSTFIX_PATH, debianPackage: 'postfix' }]);
  const dir = makePublicTempDir('passgate-postfix-');
  const port = await reserveFreePort();
  const configDir = join(dir, 'etc');
  mkdirSync(configDir);
  mkdirSync(join(dir, 'queue'), { mode: 0o755 });
  mkdirSync(join(dir, 'data'), { mode: 0o700 });
  const ids = userIds('postfix');
  chownSync(join(dir, 'data'), Number(ids.uid), Number(ids.gid));
  writeFileSync(join(configDir, 'main.cf'), renderMain(dir, saslSocketPath));
  writeFileSync(join(configDir, 'master.cf'), renderMaster(port));

  const started = await runCommand(POSTFIX_PATH, ['-c', configDir, 'start']);
  const server = buildServer(port, dir, configDir);
  if (started.exitCode !== 0) {
    await server.destroy();
    // postfix reports a fatal start error only to its log, not stderr.
    throw new Error(
      `postfix start failed: ${started.stderr}${started.stdout}` +
        server.readLog(),
    );
  }
  return server;
}

function buildServer(
  port: number,
  dir: string,
  configDir: string,
): PostfixServer {
  const readLog = () => {
    try {
      return readFileSync(join(dir, 'maillog'), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    port,
    dir,
    readLog,
    async destroy() {
      await runCommand(POSTFIX_PATH, ['-c', configDir, 'stop']);
      recordOutput('postfix log', readLog());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function renderMain(dir: string, saslSocketPath: string): string {
  return [
    '# Private Postfix 3.7 for passgate tests.',
    'compatibility_level = 3.6',
    `queue_directory = ${join(dir, 'queue')}`,
    `data_directory = ${join(dir, 'data')}`,
    `maillog_file = ${join(dir, 'maillog')}`,
    `maillog_file_prefixes = ${dir}`,
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'myhostname = passgate.test',
    'mydestination =',
    'mynetworks =',
    'relayhost =',
    'alias_maps =',
    'local_recipient_maps =',
    'smtpd_tls_security_level = none',
    'smtpd_sasl_auth_enable = yes',
    'smtpd_sasl_type = dovecot',
    `smtpd_sasl_path = ${saslSocketPath}`,
    'smtpd_sasl_security_options = noanonymous',
    'smtpd_relay_restrictions = permit_sasl_authenticated, reject',
    '',
  ].join('\n');
}

// Only smtpd and the services it calls: the tests stop after AUTH.
function renderMaster(port: number): string {
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'postlog unix-dgram n - n - 1 postlogd',
    'anvil unix - - n - 1 anvil',
    'proxymap unix - - n - - proxymap',
    '',
  ].join('\n');
}

/** Result of one SMTP AUTH attempt with swaks. */
export type SMTPAuthResult = {
  accepted: boolean;
  /** swaks' transcript; swaks hides the AUTH exchange itself. */
  output: string;
};

/**
 * Tries SMTP AUTH PLAIN with swaks and quits after it. swaks has no
 * option to read a password from a file descriptor: without a value for
 * --auth-password it prompts, and the prompt reads stdin, so the password
 * stays out of argv.
 */
export async function swaksAuth(
  port: number,
  user: string,
  password: string,
): Promise<SMTPAuthResult> {
  requireTools([{ path: SWAKS_PATH, debianPackage: 'swaks' }]);
  const emptyHome = makePublicTempDir('passgate-swaks-');
  try {
    const result = await runCommand(
      '/usr/bin/env',
      [
        `HOME=${emptyHome}`,
        SWAKS_PATH,
        '--server',
        `127.0.0.1:${port}`,
        '--auth',
        'PLAIN',
        '--auth-user',
        user,
        '--auth-password',
        '--auth-hide-password',
        '--quit-after',
        'AUTH',
        '--timeout',
        '30',
      ],
      { input: `${password}\n` },
    );
    const output = `${result.stdout}${result.stderr}`;
    return { accepted: /^<[-~]  ?235 /m.test(output), output };
  } finally {
    rmSync(emptyHome, { recursive: true, force: true });
  }
}
