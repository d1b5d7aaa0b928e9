import { spawn } from 'node:child_process';
import type { Config } from '../../config/config.ts';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { splitUsername } from '../../policy/username.ts';

/**
 * Expands the userdb home template: %u user, %n local part, %d domain,
 * %% a percent sign. Rejects a name part that would leave its directory.
 */
export function expandHome(template: string, username: string): string {
  const { localPart, domain } = splitUsername(username);
  for (const part of [localPart, domain]) {
    if (part.includes('/') || part === '.' || part === '..') {
      throw new PassgateError(
        ERROR_CODES.INVALID_ARGUMENT,
        `username "${username}" cannot form a home directory`,
      );
    }
  }
  return template.replace(/%([%und])/g, (_match, key: string) => {
    if (key === 'u') return username;
    if (key === 'n') return localPart;
    if (key === 'd') return domain;
    return '%';
  });
}

/**
 * Builds the environment of the reply program: USER and HOME, and the
 * userdb uid and gid through EXTRA, as /usr/lib/dovecot/checkpassword-reply
 * reads them. `lookup` sets AUTHORIZED=2, which Dovecot expects for a
 * userdb or passdb lookup.
 */
export function buildReplyEnvironment(
  base: NodeJS.ProcessEnv,
  config: Config,
  username: string,
  lookup: boolean,
): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {
    ...base,
    USER: username,
    HOME: expandHome(config.userdb.home, username),
    EXTRA: 'userdb_uid userdb_gid',
    userdb_uid: String(config.userdb.uid),
    userdb_gid: String(config.userdb.gid),
  };
  if (lookup) environment.AUTHORIZED = '2';
  return environment;
}

/**
 * Runs the reply program with fd 4 passed on and resolves with its exit
 * status. Node marks inherited descriptors close-on-exec, so the program is
 * spawned with fd 4 mapped rather than exec'd in place.
 */
export function runReplyProgram(
  command: readonly string[],
  environment: NodeJS.ProcessEnv,
): Promise<number> {
  const [program, ...args] = command;
  if (program === undefined) {
    return Promise.reject(replyFailed('no reply program was given'));
  }

  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: environment,
      stdio: ['inherit', 'inherit', 'inherit', 'ignore', 4],
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(replyFailed(`cannot run ${program}: ${error.code ?? 'failed'}`));
    });
    child.on('exit', (code, signal) => {
      if (code !== null) resolve(code);
      else reject(replyFailed(`${program} was killed by ${signal}`));
    });
  });
}

function replyFailed(message: string): PassgateError {
  return new PassgateError(
    ERROR_CODES.REPLY_FAILED,
    `reply program: ${message}`,
  );
}
