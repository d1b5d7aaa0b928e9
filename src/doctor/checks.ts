import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { loadConfig, type Config } from '../config/config.ts';
import { readSiteKeys } from '../crypto/site-key.ts';
import { isPassgateError } from '../errors/index.ts';
import { Database } from '../storage/database.ts';
import {
  LATEST_SCHEMA_VERSION,
  readSchemaVersion,
} from '../storage/migrations.ts';
import {
  findAccessObstacle,
  isReadableByOthers,
  type AccessMode,
  type UnixIdentity,
} from './file-access.ts';

/** Result of one doctor check: one line of output. */
export interface CheckResult {
  ok: boolean;
  name: string;
  /** The finding, and for a failure the fix. */
  detail: string;
}

export interface DoctorOptions {
  configFile: string;
  /** Unix users that run passgate for a daemon (dovecot, www-data...). */
  daemonUsers: readonly string[];
  /** The executable the daemons run, by absolute path. */
  executable: string;
}

/** Runs every check in order. Without a valid config only the first runs. */
export async function runDoctorChecks(
  options: DoctorOptions,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let config: Config;
  try {
    config = loadConfig(options.configFile);
    results.push(pass('config', `${options.configFile} is valid`));
  } catch (error) {
    const message = isPassgateError(error) ? error.message : String(error);
    results.push(fail('config', `${message}; fix the file and rerun`));
    return results;
  }

  const identities = options.daemonUsers.map(lookUpIdentity);
  results.push(checkConfigPrivacy(options.configFile));
  results.push(checkSiteKey(config));
  if (config.database.passwordFile !== undefined) {
    results.push(checkPasswordFile(config.database.passwordFile));
  }
  results.push(...checkDaemonAccess(config, identities, options.executable));
  results.push(await checkDatabase(config));
  return results;
}

function lookUpIdentity(name: string): UnixIdentity {
  const run = (flag: string) =>
    execFileSync('/usr/bin/id', [flag, name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  return {
    name,
    uid: Number(run('-u')),
    gids: run('-G').split(/\s+/).map(Number),
  };
}

function checkConfigPrivacy(file: string): CheckResult {
  const info = statSync(file);
  if (isReadableByOthers(info)) {
    return fail(
      'config mode',
      `${file} is readable by every user (mode ${octal(info.mode)}); ` +
        `run chmod o-rwx ${file}`,
    );
  }
  return pass('config mode', `${file} mode ${octal(info.mode)}`);
}

// The login path refuses a site key with any group or other bit set, so
// only its owner can use it.
function checkSiteKey(config: Config): CheckResult {
  const file = config.siteKeyFile;
  let mode: number;
  try {
    mode = statSync(file).mode & 0o7777;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'stat failed';
    return fail(
      'site key',
      `${file}: ${code}; run "passgate init" or restore it`,
    );
  }
  if ((mode & 0o077) !== 0) {
    return fail(
      'site key',
      `${file} has mode ${octal(mode)}, expected 0600; run chmod 0600 ${file}`,
    );
  }

  try {
    readSiteKeys(file);
  } catch (error) {
    const message = isPassgateError(error) ? error.message : String(error);
    return fail('site key', `${message}; restore it from a backup`);
  }
  return pass('site key', `${file} mode ${octal(mode)}`);
}

function checkPasswordFile(file: string): CheckResult {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'stat failed';
    return fail('database password', `${file}: ${code}`);
  }
  if ((mode & 0o077) !== 0) {
    return fail(
      'database password',
      `${file} has mode ${octal(mode)}, expected 0600; run chmod 0600 ${file}`,
    );
  }
  return pass('database password', `${file} mode ${octal(mode)}`);
}

// Each daemon user needs the executable, the config, the site key, the
// database password file and the log file.
function checkDaemonAccess(
  config: Config,
  identities: readonly UnixIdentity[],
  executable: string,
): CheckResult[] {
  if (!isAbsolute(executable)) {
    return [fail('executable', `${executable} is not an absolute path`)];
  }
  const needs: [string, string, AccessMode][] = [
    ['executable', executable, 'execute'],
    ['config', config.file, 'read'],
    ['site key', config.siteKeyFile, 'read'],
  ];
  if (config.database.passwordFile !== undefined) {
    needs.push(['database password', config.database.passwordFile, 'read']);
  }
  if (config.log.file !== undefined) {
    needs.push(['log file', config.log.file, 'write']);
  }
  const results = [pass('executable', `${executable} is an absolute path`)];
  for (const identity of identities) {
    for (const [what, path, mode] of needs) {
      results.push(checkOneAccess(identity, what, path, mode));
    }
  }
  return results;
}

function checkOneAccess(
  identity: UnixIdentity,
  what: string,
  path: string,
  mode: AccessMode,
): CheckResult {
  const name = `${identity.name} ${mode} ${what}`;
  // A log file that does not exist yet is created in its directory.
  const target = mode === 'write' && !existsSync(path) ? dirname(path) : path;
  const obstacle = findAccessObstacle(identity, target, mode);
  if (obstacle === null) return pass(name, path);
  return fail(name, `${obstacle}; ${adviseAccess(identity, what, mode)}`);
}

// The site key and the database password file must stay mode 0600, so
// only their owner can read them: a second daemon user needs its own copy.
function adviseAccess(
  identity: UnixIdentity,
  what: string,
  mode: AccessMode,
): string {
  if (what === 'site key' || what === 'database password') {
    return (
      `make ${identity.name} its owner (chown ${identity.name}; chmod 0600), ` +
      'or give each daemon user its own copy and config file'
    );
  }
  return `give ${identity.name} access, e.g. with chgrp and chmod g+${mode[0]}`;
}

async function checkDatabase(config: Config): Promise<CheckResult> {
  let database: Database;
  try {
    database = await Database.open(config.database);
  } catch (error) {
    const message = isPassgateError(error) ? error.message : String(error);
    return fail('database', `${message}; check [database] in ${config.file}`);
  }
  try {
    const version = await readSchemaVersion(database);
    if (version < LATEST_SCHEMA_VERSION) {
      return fail(
        'database',
        `schema version ${version}, expected ${LATEST_SCHEMA_VERSION}; ` +
          'run "passgate db migrate"',
      );
    }
    return pass('database', `reachable, schema version ${version}`);
  } catch (error) {
    const message = isPassgateError(error) ? error.message : String(error);
    return fail('database', message);
  } finally {
    await database.close();
  }
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function pass(name: string, detail: string): CheckResult {
  return { ok: true, name, detail };
}

function fail(name: string, detail: string): CheckResult {
  return { ok: false, name, detail };
}
