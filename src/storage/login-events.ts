import type { Database } from './database.ts';

/** One login decision as stored for `passgate log` and throttling. */
export interface LoginEvent {
  createdAt: Date;
  username: string | null;
  remoteIP: string | null;
  /** Remote address under which failures count; null when not counted. */
  addressKey: string | null;
  service: string;
  serviceClass: string | null;
  outcome: 'accept' | 'reject';
  reason: string;
  appPasswordId: number | null;
  /** Failed guess at the time of the decision; unthrottle keeps it. */
  failedGuess: boolean;
  /** The limit that rejected a `throttled` login, else null. */
  throttledBy: 'account' | 'address' | null;
}

export type NewLoginEvent = Omit<LoginEvent, 'createdAt'>;

interface LoginEventRow {
  created_at: Date;
  username: string | null;
  remote_ip: string | null;
  address_key: string | null;
  service: string;
  service_class: string | null;
  outcome: 'accept' | 'reject';
  reason: string;
  app_password_id: number | null;
  failed_guess: number;
  throttled_by: 'account' | 'address' | null;
}

// Pruning runs on one insert in PRUNE_EVERY and deletes at most PRUNE_LIMIT
// rows, so it removes old rows faster than logins add them while keeping
// each login's extra work small.
// NOTE: the table has no cap per account or address. A flood keeps one row
// per attempt until it is older than [history] keep_days.
const PRUNE_EVERY = 16;
const PRUNE_LIMIT = 200;

/**
 * Inserts one decision and now and then deletes rows older than
 * `keepDays`. Each decided login writes exactly one row, whatever its
 * outcome.
 */
export async function insertLoginEvent(
  database: Database,
  event: NewLoginEvent,
  keepDays: number,
): Promise<void> {
  const result = await database.run(
    'INSERT INTO login_events (created_at, username, remote_ip, ' +
      'address_key, service, service_class, outcome, reason, ' +
      'app_password_id, failed_guess, account_counted, address_counted, ' +
      'throttled_by) ' +
      'VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      event.username,
      event.remoteIP === null ? null : event.remoteIP.slice(0, 45),
      event.addressKey,
      event.service.slice(0, 32),
      event.serviceClass,
      event.outcome,
      event.reason,
      event.appPasswordId,
      event.failedGuess,
      event.failedGuess,
      event.failedGuess,
      event.throttledBy,
    ],
  );
  if (result.insertId % PRUNE_EVERY === 0) {
    await pruneLoginEvents(database, keepDays);
  }
}

/** Deletes up to PRUNE_LIMIT events older than `keepDays`, oldest first. */
export async function pruneLoginEvents(
  database: Database,
  keepDays: number,
): Promise<number> {
  const result = await database.run(
    'DELETE FROM login_events WHERE created_at < ' +
      'UTC_TIMESTAMP(3) - INTERVAL ? DAY ORDER BY created_at LIMIT ?',
    [keepDays, String(PRUNE_LIMIT)],
  );
  return result.affectedRows;
}

/**
 * Counts the failed guesses of a username and of an address key in the
 * last `windowSeconds`, in one round trip. A null key counts 0.
 */
export async function countRecentFailures(
  database: Database,
  keys: { username: string | null; addressKey: string | null },
  windowSeconds: number,
): Promise<{ account: number; address: number }> {
  const since = 'created_at > UTC_TIMESTAMP(3) - INTERVAL ? SECOND';
  const rows = await database.query<{ account: number; address: number }>(
    'SELECT ' +
      `(SELECT COUNT(*) FROM login_events WHERE username = ? AND ${since} ` +
      'AND account_counted) AS account, ' +
      `(SELECT COUNT(*) FROM login_events WHERE address_key = ? AND ${since} ` +
      'AND address_counted) AS address',
    [keys.username, windowSeconds, keys.addressKey, windowSeconds],
  );
  return {
    account: Number(rows[0]?.account ?? 0),
    address: Number(rows[0]?.address ?? 0),
  };
}

/**
 * Stops the failures of a username from counting toward its account limit,
 * or those of an address key toward its address limit. The other limit
 * keeps counting them, and the events stay in the history. Returns how many
 * failures it cleared.
 */
export async function clearFailures(
  database: Database,
  key: { username: string } | { addressKey: string },
): Promise<number> {
  const sql =
    'username' in key
      ? 'UPDATE login_events SET account_counted = FALSE ' +
        'WHERE username = ? AND account_counted'
      : 'UPDATE login_events SET address_counted = FALSE ' +
        'WHERE address_key = ? AND address_counted';
  const value = 'username' in key ? key.username : key.addressKey;
  const result = await database.run(sql, [value]);
  return result.affectedRows;
}

/** Lists a username's most recent events, newest first. */
export async function listLoginEvents(
  database: Database,
  username: string,
  limit: number,
): Promise<LoginEvent[]> {
  const rows = await database.query<LoginEventRow>(
    'SELECT created_at, username, remote_ip, address_key, service, ' +
      'service_class, outcome, reason, app_password_id, ' +
      'failed_guess, throttled_by ' +
      'FROM login_events WHERE username = ? ' +
      'ORDER BY created_at DESC, id DESC LIMIT ?',
    [username, String(limit)],
  );
  return rows.map(toLoginEvent);
}

function toLoginEvent(row: LoginEventRow): LoginEvent {
  return {
    createdAt: row.created_at,
    username: row.username,
    remoteIP: row.remote_ip,
    addressKey: row.address_key,
    service: row.service,
    serviceClass: row.service_class,
    outcome: row.outcome,
    reason: row.reason,
    appPasswordId:
      row.app_password_id === null ? null : Number(row.app_password_id),
    failedGuess: Boolean(row.failed_guess),
    throttledBy: row.throttled_by,
  };
}
