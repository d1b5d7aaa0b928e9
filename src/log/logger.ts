import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'notice' | 'error';

export type LogFields = Record<string, string | number | boolean | undefined>;

const INVISIBLE_CHARACTER =
  /[\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Cs}]/gu;

/** Maximum characters of one logged value; longer values are cut. */
const MAX_VALUE_LENGTH = 256;

/**
 * Writes one line per event as `key=value` pairs. Decisions go to the log
 * file only, because every stderr line lands in Dovecot's log as an error;
 * faults go to both. Callers pass no secrets: only the fields below.
 */
export class Logger {
  private readonly file: string | undefined;
  private readonly program: string;
  private fileFailed = false;

  constructor(options: { file?: string; program?: string } = {}) {
    this.file = options.file;
    this.program = options.program ?? 'passgate';
  }

  /** Logs a decision the user caused (accept, reject) at info level. */
  info(event: string, fields: LogFields): void {
    this.writeFile(this.format('info', event, fields));
  }

  notice(event: string, fields: LogFields): void {
    this.writeFile(this.format('notice', event, fields));
  }

  /** Logs a system fault to stderr and to the log file. */
  error(event: string, fields: LogFields): void {
    const line = this.format('error', event, fields);
    process.stderr.write(line);
    this.writeFile(line);
  }

  private format(level: LogLevel, event: string, fields: LogFields): string {
    const parts = [
      new Date().toISOString(),
      `${this.program}[${process.pid}]:`,
      level,
      `event=${event}`,
    ];
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) parts.push(`${key}=${formatValue(value)}`);
    }
    return `${parts.join(' ')}\n`;
  }

  // A log that cannot be written must not change a login's outcome, so the
  // failure is reported once on stderr and the decision is kept.
  private writeFile(line: string): void {
    if (this.file === undefined || this.fileFailed) return;
    try {
      appendFileSync(this.file, line, { mode: 0o640 });
    } catch (error) {
      this.fileFailed = true;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      process.stderr.write(
        `${this.program}: cannot write log file ${this.file}: ${code}\n`,
      );
    }
  }
}

/** Quotes a value when it contains anything but plain visible characters. */
export function formatValue(value: string | number | boolean): string {
  const text = String(value);
  const cut =
    text.length > MAX_VALUE_LENGTH
      ? `${text.slice(0, MAX_VALUE_LENGTH)}...`
      : text;
  if (/^[\w.@:+\-/]+$/.test(cut)) return cut;
  // JSON escapes control characters but leaves format characters such as
  // U+202E (right-to-left override) raw, which would reorder the line on a
  // terminal, so those are escaped too.
  return JSON.stringify(cut).replace(
    INVISIBLE_CHARACTER,
    (character) =>
      `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
