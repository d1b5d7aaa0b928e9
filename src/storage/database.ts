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
  private readonly queryTimeoutSeconds: number;

  private constructor(
    connection: mysql.Connection,
    queryTimeoutSeconds: number,
  ) {
    this.connection = connection;
    this.queryTimeoutSeconds = queryTimeoutSeconds;
  }

  /**
   * Connects with the connect timeout of `config`. Every statement of the
   * connection is then bounded by its query timeout.
   */
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
      return new Database(connection, config.queryTimeoutSeconds);
    } catch (error) {
      throw mapDriverError(error, `connect to ${describeServer(config)}`);
    }
  }

  async query<Row>(sql: string, values: SQLValue[] = []): Promise<Row[]> {
    const result = await this.execute(sql, values, 'query');
    return result as Row[];
  }

  async run(sql: string, values: SQLValue[] = []): Promise<ResultHeader> {
    const result = await this.execute(sql, values, 'update');
    const header = result as mysql.ResultSetHeader;
    return { affectedRows: header.affectedRows, insertId: header.insertId };
  }

  // A statement that times out may still run on the server, and mysql2
  // would queue the next command behind it, so the connection is dropped.
  // The timer covers the whole call, also the statement's PREPARE, which
  // mysql2's own per-query timeout leaves unbounded.
  private async execute(
    sql: string,
    values: SQLValue[],
    operation: string,
  ): Promise<unknown> {
    const [result] = await this.guard(
      () => this.connection.execute({ sql, values }),
      operation,
    );
    return result;
  }

  /** Runs `work` in a transaction; rolls back when it throws. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.guard(
      () => this.connection.beginTransaction(),
      'begin transaction',
    );
    try {
      const result = await work();
      await this.guard(() => this.connection.commit(), 'commit');
      return result;
    } catch (error) {
      await this.connection.rollback().catch(() => undefined);
      throw mapDriverError(error, 'transaction');
    }
  }

  private async guard<T>(call: () => Promise<T>, operation: string) {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(
        () => resolve('expired'),
        this.queryTimeoutSeconds * 1000,
      );
    });
    try {
      const outcome = await Promise.race([call(), expired]);
      if (outcome !== 'expired') return outcome as T;
    } catch (error) {
      throw mapDriverError(error, operation);
    } finally {
      clearTimeout(timer);
    }

    this.connection.destroy();
    throw new PassgateError(
      ERROR_CODES.DATABASE_UNAVAILABLE,
      `database ${operation} timed out after ${this.queryTimeoutSeconds} s ` +
        '(database.query_timeout_seconds); look for a long transaction ' +
        'or a table lock in SHOW PROCESSLIST',
    );
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

function describeServer(config: DatabaseConfig): string {
  if (config.socket !== undefined) return config.socket;
  return `${config.host ?? 'localhost'}:${config.port}`;
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
