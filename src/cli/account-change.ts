import { execFile } from 'node:child_process';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import { endOpenSessions } from '../revocation/kick.ts';
import type { CommandContext } from './context.ts';

const DOVEADM_TIMEOUT_MS = 10_000;

/**
 * Runs after a CLI command creates, deletes or changes an account's
 * passwords, app passwords, 2FA or enabled state. Dovecot may cache a Lua
 * passdb's verdict (auth_cache_size), so with [dovecot] cache_flush on
 * this runs `doveadm auth cache flush USER` and old credentials stop
 * working at once. With `endSessions` (a secret was revoked) and
 * [dovecot] kick on, it then ends the open sessions. Call it after
 * printing the result, because a failed flush must not hide a secret that
 * was just created.
 */
export async function afterSecurityChange(
  context: CommandContext,
  username: string,
  options: { endSessions?: boolean } = {},
): Promise<void> {
  const flushFailure = await flushAuthCache(context, username);
  if (options.endSessions === true) {
    await endOpenSessions(context.config, username);
  }
  if (flushFailure !== null) throw flushFailure;
}

async function flushAuthCache(
  context: CommandContext,
  username: string,
): Promise<PassgateError | null> {
  const { dovecot } = context.config;
  if (!dovecot.cacheFlush) return null;

  const configArgs =
    dovecot.configFile === undefined ? [] : ['-c', dovecot.configFile];
  const args = [...configArgs, 'auth', 'cache', 'flush', username];
  const failure = await runDoveadm(dovecot.doveadmPath, args);
  if (failure === null) return null;

  return new PassgateError(
    ERROR_CODES.CACHE_FLUSH_FAILED,
    `the change is saved, but "doveadm auth cache flush ${username}" ` +
      `failed (${failure}); run it by hand, or Dovecot may accept the old ` +
      'credentials until its cache entry expires (auth_cache_ttl)',
  );
}

// Resolves with null on success, else a short description of the failure.
function runDoveadm(
  program: string,
  args: readonly string[],
): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { timeout: DOVEADM_TIMEOUT_MS, encoding: 'utf8' },
      (error, _stdout, stderr) => {
        if (error === null) return resolve(null);
        const detail = stderr.trim().split('\n')[0] ?? '';
        const status = error.code ?? error.signal ?? 'failed';
        resolve(detail === '' ? `${status}` : `${status}: ${detail}`);
      },
    );
  });
}
