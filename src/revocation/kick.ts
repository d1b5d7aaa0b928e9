import { execFile, type ExecFileException } from 'node:child_process';
import { isIP } from 'node:net';
import type { Config, DovecotConfig } from '../config/config.ts';
import { Logger } from '../log/logger.ts';

/** Outcome of one `doveadm kick`. */
export interface KickResult {
  outcome: 'kicked' | 'no-sessions' | 'skipped' | 'failed';
  detail: string;
}

// doveadm kick exits with EX_NOUSER (68, sysexits.h) when no session
// matched, as observed with Dovecot 2.3.19.1.
const EXIT_NO_SESSIONS = 68;
const KICK_TIMEOUT_SECONDS = 10;

/**
 * Ends the account's open IMAP and POP3 sessions after a change that
 * revokes a secret, when `[dovecot] kick` is on. The change itself is
 * already stored and applies at the next login, so a failed kick is a
 * warning on stderr and a log line, never an error of the command.
 */
export async function endOpenSessions(
  config: Config,
  username: string,
): Promise<KickResult> {
  if (!config.dovecot.kick) {
    return { outcome: 'skipped', detail: 'kick is off in [dovecot]' };
  }

  const result = await kickSessions(config.dovecot, username);
  const logger = new Logger({ file: config.log.file });
  logger.notice('kick', {
    user: username,
    outcome: result.outcome,
    detail: result.detail,
  });
  if (result.outcome === 'skipped' || result.outcome === 'failed') {
    process.stderr.write(
      `passgate: warning: open sessions of ${username} were not ended: ` +
        `${result.detail}. The change applies to new logins, and sessions ` +
        'that are open now last until they disconnect\n',
    );
  }
  return result;
}

/**
 * Runs `doveadm [-c CONFIG] kick USER`. doveadm reads its argument as a
 * mask (`*` and `?` are wildcards) or as an IP network, so a username that
 * could be read either way is not kicked, rather than kicking others.
 */
export async function kickSessions(
  dovecot: DovecotConfig,
  username: string,
): Promise<KickResult> {
  if (/[*?/\s]/.test(username) || username.startsWith('-') || isIP(username)) {
    return {
      outcome: 'skipped',
      detail: 'doveadm would read this username as a mask or an address',
    };
  }

  const args =
    dovecot.configFile === undefined ? [] : ['-c', dovecot.configFile];
  args.push('kick', username);
  return new Promise((resolve) => {
    execFile(
      dovecot.doveadmPath,
      args,
      { timeout: KICK_TIMEOUT_SECONDS * 1000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ outcome: 'kicked', detail: summarize(stdout) });
        } else if (error.code === EXIT_NO_SESSIONS) {
          resolve({ outcome: 'no-sessions', detail: 'no open sessions' });
        } else {
          resolve({
            outcome: 'failed',
            detail: describeFailure(error, stderr),
          });
        }
      },
    );
  });
}

function summarize(output: string): string {
  const firstLine = output.trim().split('\n')[0] ?? '';
  return firstLine === '' ? 'doveadm kick succeeded' : firstLine.slice(0, 200);
}

function describeFailure(error: ExecFileException, stderr: string): string {
  if (error.killed === true) {
    return `doveadm kick timed out after ${KICK_TIMEOUT_SECONDS} s`;
  }
  if (typeof error.code === 'string') {
    return `cannot run doveadm: ${error.code}`;
  }

  const status = `doveadm kick exited ${String(error.code)}`;
  const message = stderr.trim().split('\n')[0] ?? '';
  return message === '' ? status : `${status}: ${message.slice(0, 200)}`;
}
