import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { parse, TomlError } from 'smol-toml';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import {
  DEFAULT_SERVICE_MAP,
  isServiceClass,
  type ServiceClass,
} from '../policy/service-class.ts';
import {
  ARGON2_COST_LIMITS,
  describeArgon2CostExcess,
} from '../crypto/password-hash.ts';
import { TOMLReader } from './toml-reader.ts';
import { readPureFTPd, type PureFTPdConfig } from './door-config.ts';
import { DEFAULTS } from './defaults.ts';
import { readDovecot, type DovecotConfig } from './dovecot-config.ts';
export type { DovecotConfig } from './dovecot-config.ts';
import {
  readHistory,
  readThrottle,
  type HistoryConfig,
  type ThrottleConfig,
} from './throttle-config.ts';

export const DEFAULT_CONFIG_PATH = '/etc/passgate/passgate.toml';

export interface DatabaseConfig {
  socket?: string;
  host?: string;
  port: number;
  user: string;
  password?: string;
  passwordFile?: string;
  name: string;
  connectTimeoutSeconds: number;
  queryTimeoutSeconds: number;
}

export interface Argon2Config {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

export interface Config {
  file: string;
  siteKeyFile: string;
  deadlineSeconds: number;
  database: DatabaseConfig;
  userdb: { uid: number; gid: number; home: string };
  webmail: { networks: string[]; blockList: BlockList };
  log: { file?: string };
  services: Readonly<Record<string, ServiceClass>>;
  argon2: Argon2Config;
  totp: { issuer: string; windowSteps: number };
  otp: { count: number };
  pureFTPd: PureFTPdConfig;
  throttle: ThrottleConfig;
  history: HistoryConfig;
  dovecot: DovecotConfig;
}

/** Picks the config path: the flag, else PASSGATE_CONFIG, else the default. */
export function resolveConfigPath(flag?: string): string {
  return flag ?? process.env.PASSGATE_CONFIG ?? DEFAULT_CONFIG_PATH;
}

/**
 * Reads and validates the TOML config once and freezes it. Throws
 * PassgateError CONFIG_UNREADABLE or CONFIG_INVALID naming the file, the key
 * and the line.
 */
export function loadConfig(file: string): Config {
  const text = readConfigText(file);
  const reader = new TOMLReader(file, text);
  const document = parseTOML(file, text);

  reader.rejectUnknownKeys(document, [
    'site_key_file',
    'deadline_seconds',
    'database',
    'userdb',
    'webmail',
    'log',
    'services',
    'argon2',
    'totp',
    'otp',
    'pure_ftpd',
    'throttle',
    'history',
    'dovecot',
  ]);

  const config: Config = {
    file,
    siteKeyFile:
      reader.optionalString(document, 'site_key_file') ?? DEFAULTS.siteKeyFile,
    deadlineSeconds:
      reader.optionalNumber(document, 'deadline_seconds', {
        min: 0.5,
        max: 60,
      }) ?? DEFAULTS.deadlineSeconds,
    database: readDatabase(reader, document),
    userdb: readUserdb(reader, document),
    webmail: readWebmail(reader, document),
    log: readLog(reader, document),
    services: readServices(reader, document),
    argon2: readArgon2(reader, document),
    totp: readTOTP(reader, document),
    otp: readOTP(reader, document),
    pureFTPd: readPureFTPd(reader, document),
    throttle: readThrottle(reader, document),
    history: readHistory(reader, document),
    dovecot: readDovecot(reader, document),
  };

  return deepFreeze(config);
}

function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'read failed';
    throw new PassgateError(
      ERROR_CODES.CONFIG_UNREADABLE,
      `cannot read config file ${file}: ${reason}`,
      { cause: error },
    );
  }
}

function parseTOML(file: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml starts each message with its own "Invalid TOML document: ".
    const firstLine = (error.message.split('\n')[0] ?? '')
      .replace(/^Invalid TOML document: /i, '')
      .trim();
    throw new PassgateError(
      ERROR_CODES.CONFIG_INVALID,
      `${file}:${error.line}: invalid TOML: ${firstLine || 'syntax error'}`,
      { cause: error },
    );
  }
}

function readDatabase(
  reader: TOMLReader,
  document: Record<string, unknown>,
): DatabaseConfig {
  const prefix = 'database.';
  const table = reader.table(document, 'database');
  reader.rejectUnknownKeys(
    table,
    [
      'socket',
      'host',
      'port',
      'user',
      'password',
      'password_file',
      'name',
      'connect_timeout_seconds',
      'query_timeout_seconds',
    ],
    prefix,
  );

  const socket = reader.optionalString(table, 'socket', prefix);
  const host = reader.optionalString(table, 'host', prefix);
  if (socket !== undefined && host !== undefined) {
    reader.fail('database.host', 'set either socket or host, not both');
  }
  const password = reader.optionalString(table, 'password', prefix);
  const passwordFile = reader.optionalString(table, 'password_file', prefix);
  if (password !== undefined && passwordFile !== undefined) {
    reader.fail('database.password', 'set either password or password_file');
  }

  return {
    socket:
      socket ?? (host === undefined ? DEFAULTS.databaseSocket : undefined),
    host,
    port:
      reader.optionalInteger(table, 'port', { min: 1, max: 65535 }, prefix) ??
      3306,
    user: reader.optionalString(table, 'user', prefix) ?? 'passgate',
    password,
    passwordFile,
    name: reader.optionalString(table, 'name', prefix) ?? 'passgate',
    connectTimeoutSeconds:
      reader.optionalNumber(
        table,
        'connect_timeout_seconds',
        { min: 0.1, max: 60 },
        prefix,
      ) ?? DEFAULTS.connectTimeoutSeconds,
    queryTimeoutSeconds:
      reader.optionalNumber(
        table,
        'query_timeout_seconds',
        { min: 0.1, max: 3600 },
        prefix,
      ) ?? DEFAULTS.queryTimeoutSeconds,
  };
}

function readUserdb(
  reader: TOMLReader,
  document: Record<string, unknown>,
): Config['userdb'] {
  const prefix = 'userdb.';
  const table = reader.table(document, 'userdb');
  reader.rejectUnknownKeys(table, ['uid', 'gid', 'home'], prefix);
  const id = { min: 1, max: 4294967294 };

  const home = reader.optionalString(table, 'home', prefix) ?? DEFAULTS.home;
  if (!home.startsWith('/')) {
    reader.fail('userdb.home', `must be an absolute path, got "${home}"`);
  }

  return {
    uid: reader.optionalInteger(table, 'uid', id, prefix) ?? DEFAULTS.uid,
    gid: reader.optionalInteger(table, 'gid', id, prefix) ?? DEFAULTS.gid,
    home,
  };
}

function readWebmail(
  reader: TOMLReader,
  document: Record<string, unknown>,
): Config['webmail'] {
  const table = reader.table(document, 'webmail');
  reader.rejectUnknownKeys(table, ['networks'], 'webmail.');
  const networks = reader.optionalStringArray(table, 'networks', 'webmail.');
  const blockList = new BlockList();

  for (const network of networks ?? []) {
    const added = addNetwork(blockList, network);
    if (!added) {
      reader.fail(
        'webmail.networks',
        `"${network}" is not an IP address or CIDR network`,
      );
    }
  }

  return { networks: networks ?? [], blockList };
}

function addNetwork(blockList: BlockList, network: string): boolean {
  const [address = '', prefixText, extra] = network.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const maxPrefix = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? maxPrefix : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? '0') || prefix > maxPrefix) return false;

  blockList.addSubnet(address, prefix, type);
  return true;
}

function readLog(
  reader: TOMLReader,
  document: Record<string, unknown>,
): Config['log'] {
  const table = reader.table(document, 'log');
  reader.rejectUnknownKeys(table, ['file'], 'log.');
  return { file: reader.optionalString(table, 'file', 'log.') };
}

function readServices(
  reader: TOMLReader,
  document: Record<string, unknown>,
): Record<string, ServiceClass> {
  const table = reader.table(document, 'services');
  const services: Record<string, ServiceClass> = { ...DEFAULT_SERVICE_MAP };

  for (const [name, value] of Object.entries(table)) {
    if (typeof value !== 'string' || !isServiceClass(value)) {
      reader.fail(
        `services.${name}`,
        `must be one of imap, pop3, smtp, sieve, dav, ftp, webmail, ` +
          `got ${JSON.stringify(value)}`,
      );
    }
    services[name.toLowerCase()] = value;
  }

  return services;
}

function readArgon2(
  reader: TOMLReader,
  document: Record<string, unknown>,
): Argon2Config {
  const prefix = 'argon2.';
  const table = reader.table(document, 'argon2');
  reader.rejectUnknownKeys(
    table,
    ['memory_kib', 'passes', 'parallelism'],
    prefix,
  );

  const defaults = DEFAULTS.argon2;
  const argon2 = {
    memoryKiB:
      reader.optionalInteger(
        table,
        'memory_kib',
        { min: 8192, max: ARGON2_COST_LIMITS.maxMemoryKiB },
        prefix,
      ) ?? defaults.memoryKiB,
    passes:
      reader.optionalInteger(table, 'passes', { min: 1, max: 64 }, prefix) ??
      defaults.passes,
    parallelism:
      reader.optionalInteger(
        table,
        'parallelism',
        { min: 1, max: 64 },
        prefix,
      ) ?? defaults.parallelism,
  };
  const excess = describeArgon2CostExcess(argon2);
  if (excess !== null) {
    const key = 'passes' in table ? 'passes' : 'memory_kib';
    reader.fail(
      prefix + key,
      `${excess}; lower argon2.memory_kib or argon2.passes, because one ` +
        'hash must finish within the login deadline',
    );
  }
  return argon2;
}

function readTOTP(
  reader: TOMLReader,
  document: Record<string, unknown>,
): Config['totp'] {
  const prefix = 'totp.';
  const table = reader.table(document, 'totp');
  reader.rejectUnknownKeys(table, ['issuer', 'window_steps'], prefix);

  return {
    issuer: reader.optionalString(table, 'issuer', prefix) ?? 'passgate',
    windowSteps:
      reader.optionalInteger(
        table,
        'window_steps',
        { min: 0, max: 10 },
        prefix,
      ) ?? DEFAULTS.totpWindowSteps,
  };
}

function readOTP(
  reader: TOMLReader,
  document: Record<string, unknown>,
): Config['otp'] {
  const table = reader.table(document, 'otp');
  reader.rejectUnknownKeys(table, ['count'], 'otp.');
  return {
    count:
      reader.optionalInteger(table, 'count', { min: 1, max: 100 }, 'otp.') ??
      DEFAULTS.otpCount,
  };
}

function deepFreeze<T extends object>(value: T): T {
  if (value instanceof BlockList) return value;
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
