import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

// Runs last in scripts/run-tests.sh: every secret that any test created or
// typed must be absent from every log file and captured stderr of the run.
const RUN_DIR = process.env.PASSGATE_TEST_RUN_DIR;

function readLines(name: string): string[] {
  const path = join(RUN_DIR ?? '', name);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

test('run directory is set by run-tests.sh', () => {
  assert.ok(
    RUN_DIR,
    'PASSGATE_TEST_RUN_DIR is unset: use scripts/run-tests.sh',
  );
});

test('no secret appears in any log', () => {
  const secrets = [
    ...new Set(
      readLines('secrets.jsonl').map((line) => JSON.parse(line) as string),
    ),
  ];
  const logFiles = [...new Set(readLines('logs.txt'))];
  const outputs = readLines('outputs.jsonl').map(
    (line) => JSON.parse(line) as { label: string; text: string },
  );
  assert.ok(
    secrets.length >= 10,
    `only ${secrets.length} secrets were recorded`,
  );
  assert.ok(
    logFiles.length >= 3,
    `only ${logFiles.length} log files were recorded`,
  );

  const texts = outputs.map((output) => ({
    label: output.label,
    text: output.text,
  }));
  for (const file of logFiles) {
    if (existsSync(file))
      texts.push({ label: file, text: readFileSync(file, 'utf8') });
  }
  for (const secret of secrets) {
    const variants = [
      secret,
      secret.replaceAll('-', ''),
      secret.replaceAll(' ', ''),
    ];
    for (const { label, text } of texts) {
      for (const variant of variants) {
        assert.ok(
          !text.includes(variant),
          `a recorded secret appears in ${label}`,
        );
      }
    }
  }
});
