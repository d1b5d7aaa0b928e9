import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

// scripts/run-tests.sh sets this directory for the whole run; a test file
// run alone records nothing, and the final check then fails loudly.
const RUN_DIR = process.env.PASSGATE_TEST_RUN_DIR;

/**
 * Records a secret (password, app password, TOTP key, one-time password,
 * code) so the final test can check that no log of the run contains it.
 */
export function recordSecret(secret: string): void {
  if (RUN_DIR === undefined || secret.length < 6) return;
  appendFileSync(join(RUN_DIR, 'secrets.jsonl'), `${JSON.stringify(secret)}\n`);
}

/** Records a log file or captured output file that must hold no secret. */
export function recordLogFile(path: string): void {
  if (RUN_DIR === undefined) return;
  appendFileSync(join(RUN_DIR, 'logs.txt'), `${path}\n`);
}

/** Records captured stderr or other output text that must hold no secret. */
export function recordOutput(label: string, text: string): void {
  if (RUN_DIR === undefined || text.length === 0) return;
  appendFileSync(
    join(RUN_DIR, 'outputs.jsonl'),
    `${JSON.stringify({ label, text })}\n`,
  );
}

/** Records every secret-looking field of a CLI --json result. */
export function recordSecretsOf(result: unknown): void {
  if (typeof result !== 'object' || result === null) return;
  const fields = result as Record<string, unknown>;
  for (const key of ['password', 'secret']) {
    if (typeof fields[key] === 'string') recordSecret(fields[key]);
  }
  if (Array.isArray(fields.codes)) {
    for (const code of fields.codes) {
      if (typeof code === 'string') recordSecret(code);
    }
  }
}
