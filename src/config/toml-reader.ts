import { ERROR_CODES, PassgateError } from '../errors/index.ts';

type TOMLTable = Record<string, unknown>;

/**
 * Reads typed values out of a parsed TOML document. Every error names the
 * file, the key, the line of the key (when it can be found), the
 * rule and the value received.
 */
export class TOMLReader {
  readonly file: string;
  private readonly lines: string[];

  constructor(file: string, text: string) {
    this.file = file;
    this.lines = text.split('\n');
  }

  fail(key: string, problem: string): never {
    const line = this.findLine(key);
    const where = line === undefined ? this.file : `${this.file}:${line}`;
    throw new PassgateError(
      ERROR_CODES.CONFIG_INVALID,
      `${where}: ${key}: ${problem}`,
    );
  }

  table(parent: TOMLTable, name: string, prefix = ''): TOMLTable {
    const value = parent[name];
    if (value === undefined) return {};
    if (!isTable(value)) this.fail(prefix + name, 'must be a table');
    return value;
  }

  rejectUnknownKeys(table: TOMLTable, known: string[], prefix = ''): void {
    for (const key of Object.keys(table)) {
      if (!known.includes(key)) {
        this.fail(
          prefix + key,
          `unknown key; expected one of ${known.join(', ')}`,
        );
      }
    }
  }

  optionalString(
    table: TOMLTable,
    key: string,
    prefix = '',
  ): string | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0) {
      this.fail(prefix + key, `must be a non-empty string, got ${show(value)}`);
    }
    return value;
  }

  optionalInteger(
    table: TOMLTable,
    key: string,
    range: { min: number; max: number },
    prefix = '',
  ): number | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    const number = typeof value === 'bigint' ? Number(value) : value;
    const valid =
      typeof number === 'number' &&
      Number.isInteger(number) &&
      number >= range.min &&
      number <= range.max;
    if (!valid) {
      this.fail(
        prefix + key,
        `must be an integer from ${range.min} to ${range.max}, got ${show(value)}`,
      );
    }
    return number;
  }

  optionalNumber(
    table: TOMLTable,
    key: string,
    range: { min: number; max: number },
    prefix = '',
  ): number | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    const number = typeof value === 'bigint' ? Number(value) : value;
    const valid =
      typeof number === 'number' && number >= range.min && number <= range.max;
    if (!valid) {
      this.fail(
        prefix + key,
        `must be a number from ${range.min} to ${range.max}, got ${show(value)}`,
      );
    }
    return number;
  }

  optionalStringArray(
    table: TOMLTable,
    key: string,
    prefix = '',
  ): string[] | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    const valid =
      Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (!valid) {
      this.fail(
        prefix + key,
        `must be an array of strings, got ${show(value)}`,
      );
    }
    return value as string[];
  }

  // Finds the line of `key = ...` inside its [table], or of the table header.
  private findLine(dottedKey: string): number | undefined {
    const parts = dottedKey.split('.');
    const key = parts.pop() ?? '';
    const tableName = parts.join('.');
    let inTable = tableName === '';
    for (const [index, raw] of this.lines.entries()) {
      const line = raw.trim();
      const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
      if (header) {
        inTable = header[1] === tableName;
        if (header[1] === dottedKey) return index + 1;
        continue;
      }
      const keyPattern = new RegExp(`^"?${escapeRegExp(key)}"?\\s*=`);
      if (inTable && keyPattern.test(line)) return index + 1;
    }
    return undefined;
  }
}

function isTable(value: unknown): value is TOMLTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
