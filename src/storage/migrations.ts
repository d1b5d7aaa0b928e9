import type { Database } from './database.ts';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';

/**
 * Schema versions in order. Each statement is safe to run again, because
 * MariaDB commits DDL at once and a migration cut short must be resumable.
 */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE IF NOT EXISTS accounts (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      username VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
        NOT NULL,
      password_hash VARCHAR(512) CHARACTER SET ascii COLLATE ascii_bin
        NOT NULL,
      enabled BOOLEAN NOT NULL DEFAULT TRUE,
      two_factor_enabled BOOLEAN NOT NULL DEFAULT FALSE,
      app_passwords_enabled BOOLEAN NOT NULL DEFAULT FALSE,
      totp_key_sealed VARBINARY(255) NULL,
      totp_last_step BIGINT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY accounts_username (username)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS app_passwords (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      account_id BIGINT UNSIGNED NOT NULL,
      name VARCHAR(100) NOT NULL,
      digest BINARY(32) NOT NULL,
      scope SET('imap','pop3','smtp','sieve','dav','ftp') NULL,
      enabled BOOLEAN NOT NULL DEFAULT TRUE,
      created_at DATETIME(3) NOT NULL,
      expires_at DATETIME(3) NULL,
      last_used_at DATETIME(3) NULL,
      last_used_service VARCHAR(16) NULL,
      last_used_ip VARCHAR(45) NULL,
      UNIQUE KEY app_passwords_digest (account_id, digest),
      CONSTRAINT app_passwords_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS one_time_passwords (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      account_id BIGINT UNSIGNED NOT NULL,
      digest BINARY(32) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      used_at DATETIME(3) NULL,
      UNIQUE KEY one_time_passwords_digest (account_id, digest),
      CONSTRAINT one_time_passwords_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  ],
  // Site key ids, which record the rows that still need an old key.
  // NOTE: ADD COLUMN IF NOT EXISTS is MariaDB syntax; MySQL 8 lacks it.
  [
    `ALTER TABLE app_passwords ADD COLUMN IF NOT EXISTS
      key_id CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NULL`,
    `ALTER TABLE one_time_passwords ADD COLUMN IF NOT EXISTS
      key_id CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NULL`,
    `ALTER TABLE accounts ADD COLUMN IF NOT EXISTS
      totp_key_id CHAR(8) CHARACTER SET ascii COLLATE ascii_bin NULL`,
  ],
  [
    // One row per login decision: the history that `passgate log` prints
    // and the failed guesses that throttling counts. Keyed by username, not
    // account id, so an unknown account costs the same write as a real one.
    `CREATE TABLE IF NOT EXISTS login_events (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      created_at DATETIME(3) NOT NULL,
      username VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
      remote_ip VARCHAR(45) NULL,
      address_key VARCHAR(45) NULL,
      service VARCHAR(32) NOT NULL,
      service_class VARCHAR(8) NULL,
      outcome ENUM('accept','reject') NOT NULL,
      reason VARCHAR(40) NOT NULL,
      app_password_id BIGINT UNSIGNED NULL,
      failed_guess BOOLEAN NOT NULL,
      account_counted BOOLEAN NOT NULL,
      address_counted BOOLEAN NOT NULL,
      throttled_by ENUM('account','address') NULL,
      KEY login_events_user (username, created_at),
      KEY login_events_address (address_key, created_at),
      KEY login_events_created (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  ],
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

const LOCK_NAME = 'passgate.migrate';
const LOCK_TIMEOUT_SECONDS = 10;

/**
 * Brings the schema to the latest version under a named lock, so two
 * concurrent runs do not interleave. Returns the versions applied.
 */
export async function migrateSchema(database: Database): Promise<number[]> {
  await acquireLock(database);
  try {
    await database.run(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
        version INT UNSIGNED NOT NULL PRIMARY KEY,
        applied_at DATETIME(3) NOT NULL
      ) ENGINE=InnoDB`,
    );
    const current = await readSchemaVersion(database);
    const applied: number[] = [];
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      await applyMigration(database, version);
      applied.push(version);
    }
    return applied;
  } finally {
    await database.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
  }
}

/** Returns the applied schema version, 0 for an empty database. */
export async function readSchemaVersion(database: Database): Promise<number> {
  try {
    const rows = await database.query<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM schema_migrations',
    );
    return Number(rows[0]?.version ?? 0);
  } catch (error) {
    if (error instanceof PassgateError && error.code === 'SCHEMA_OUTDATED') {
      return 0;
    }
    throw error;
  }
}

async function applyMigration(database: Database, version: number) {
  for (const statement of MIGRATIONS[version - 1] ?? []) {
    await database.run(statement);
  }
  await database.run(
    'INSERT INTO schema_migrations (version, applied_at) ' +
      'VALUES (?, UTC_TIMESTAMP(3))',
    [version],
  );
}

async function acquireLock(database: Database): Promise<void> {
  const rows = await database.query<{ locked: number | null }>(
    'SELECT GET_LOCK(?, ?) AS locked',
    [LOCK_NAME, LOCK_TIMEOUT_SECONDS],
  );
  if (rows[0]?.locked !== 1) {
    throw new PassgateError(
      ERROR_CODES.DATABASE_UNAVAILABLE,
      `another schema migration holds the lock "${LOCK_NAME}"; ` +
        `waited ${LOCK_TIMEOUT_SECONDS} s, try again later`,
    );
  }
}
