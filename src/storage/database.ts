import mysql from 'mysql2/promise';
import type { DatabaseConfig } from '../config/config.ts';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';
import { readPrivateFile } from './private-file.ts';

export type SQLValue =
  string | number | bigint | boolean | Date | Buffer | null;

export interface ResultHeader {
  affectedRows: number;
  insertId: number;
}

/**
 * One connection to MariaDB or MySQL. Every statement goes through
 * `execute()` with placeholders, so values never enter the SQL text, and
 * driver errors are mapped to PassgateError by their code alone.
 */
export class Database {
  private readonly connection: mysql.Connection;

  private constructor(connection: mysql.Connection) {
    this.connection = connection;
  }

  static async open(config: DatabaseConfig): Promise<Database> {
    const password = readDatabasePassword(config);
    try {
      const connection = await mysql.createConnection({
        socketPath: config.socket,
        host: config.host,
        port: config.port,
        user: config.user,
        password,
        database: config.name,
        connectTimeout: Math.round(config.connectTimeoutSeconds * 1000),
        timezone: 'Z',
        supportBigNumbers: true,
        bigNumberStrings: false,
        charset: 'utf8mb4_bin',
      });
      return new Database(connection);
    } catch (error) {
      throw mapDriverError(error, 'connect');
    }
  }

  async query<Row>(sql: string, values: SQLValue[] = []): Promise<Row[]> {
    try {
      const [rows] = await this.connection.execute(sql, values);
      return rows as Row[];
    } catch (error) {
      throw mapDriverError(error, 'query');
    }
  }

  async run(sql: string, values: SQLValue[] = []): Promise<ResultHeader> {
    try {
      const [result] = await this.connection.execute(sql, values);
      const header = result as mysql.ResultSetHeader;
      return { affectedRows: header.affectedRows, insertId: header.insertId };
    } catch (error) {
      throw mapDriverError(error, 'update');
    }
  }

  /** Runs `work` in a transaction; rolls back when it throws. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    try {
      await this.connection.beginTransaction();
    } catch (error) {
      throw mapDriverError(error, 'begin transaction');
    }
    try {
      const result = await work();
      await this.connection.commit();
      return result;
    } catch (error) {
      await this.connection.rollback().catch(() => undefined);
      throw mapDriverError(error, 'transaction');
    }
  }

  /**
   * Ends the connection politely, or drops it when the server does not
   * confirm within `graceMilliseconds`. Never throws, because it runs on
   * every path, also when the server is gone.
   */
  async close(graceMilliseconds = 500): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMilliseconds);
    });
    const ended = this.connection.end().catch(() => undefined);
    await Promise.race([ended, timeout]);
    clearTimeout(timer);
    this.connection.destroy();
  }
}

// The file must be private to its owner, like the site key.
function readDatabasePassword(config: DatabaseConfig): string | undefined {
  if (config.passwordFile === undefined) return config.password;
  const content = readPrivateFile(
    config.passwordFile,
    'database password file',
    ERROR_CODES.CONFIG_UNREADABLE,
  );
  return content.toString('utf8').replace(/\r?\n$/, '');
}

// Server and network faults that a retry may cure; anything else is a bug
// or a broken schema.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'EACCES',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_ACCESS_DENIED_ERROR',
  'ER_DBACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
]);

const SCHEMA_CODES = new Set(['ER_NO_SUCH_TABLE', 'ER_BAD_FIELD_ERROR']);

/** Maps a driver error to a PassgateError that names only its code. */
export function mapDriverError(
  error: unknown,
  operation: string,
): PassgateError {
  if (error instanceof PassgateError) return error;
  const code = String((error as { code?: unknown }).code ?? 'UNKNOWN');

  if (SCHEMA_CODES.has(code)) {
    return new PassgateError(
      ERROR_CODES.SCHEMA_OUTDATED,
      `database schema is missing or outdated (${code}): run "passgate db migrate"`,
    );
  }
  if (UNAVAILABLE_CODES.has(code)) {
    return new PassgateError(
      ERROR_CODES.DATABASE_UNAVAILABLE,
      `database unavailable: ${operation} failed with ${code}`,
    );
  }
  return new PassgateError(
    ERROR_CODES.DATABASE_FAILED,
    `database ${operation} failed with ${code}`,
  );
}
