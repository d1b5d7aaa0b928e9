import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../src/crypto/password-hash.ts';
import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { FuzzRandom, mutate } from '../support/fuzz.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { recordOutput } from '../support/secrets.ts';

const RUNS = 1000;
// Four children at a time keep two cores busy while some wait on MariaDB.
const PARALLEL_RUNS = 4;
const SEED = Number(process.env.PASSGATE_FUZZ_SEED ?? 20261204);
const USER = 'fuzz@example.org';
const PASSWORD = 'fuzz-account-password';
const DOCUMENTED_EXITS = new Set([1, 2, 3, 111]);
const SERVICES = ['imap', 'pop3', 'smtp', 'sieve', 'webmail', 'x\u00e9', ''];

// An exit 0 is only right when the first two fields are the real
// username (in any case) and password, which a mutation can leave intact.
function holdsRealCredentials(data: Buffer): boolean {
  const userEnd = data.indexOf(0);
  const passwordEnd = data.indexOf(0, userEnd + 1);
  if (userEnd < 0 || passwordEnd < 0 || data.length > 512) return false;
  const username = data.subarray(0, userEnd).toString('utf8');
  const password = data.subarray(userEnd + 1, passwordEnd).toString('utf8');
  return username.toLowerCase() === USER && password === PASSWORD;
}

// Unlike runCheckpassword, this records no field of the input as a
// secret: a mutation moves parts of usernames into the password field and
// the password into the username field, which the log records by design,
// so the final log check would flag every such run. For the same reason
// the account password is set from a file and never recorded.
function runWithFD3(
  configPath: string,
  data: Buffer,
  environment: Record<string, string>,
): Promise<{ exitCode: number | null; stderr: string }> {
  const child = spawn(
    PASSGATE_BIN,
    ['checkpassword', '--config', configPath, '/bin/true'],
    { env: environment, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const fd3 = child.stdio[3] as NodeJS.WritableStream;
  fd3.on('error', () => undefined);
  fd3.end(data);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      recordOutput('fuzzed checkpassword stderr', stderr);
      resolve({ exitCode, stderr });
    });
  });
}

describe('fuzzed checkpassword executable', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    site = await createPassgateSite(mariadb);
    const config = { memoryKiB: 19456, passes: 2, parallelism: 1 };
    const hash = await hashPassword(Buffer.from(PASSWORD), config);
    const file = join(site.dir, 'fuzz-account.txt');
    writeFileSync(file, `${USER}\t${hash}\n`);
    const imported = await site.cli(['user', 'import', file]);
    assert.equal(imported.exitCode, 0, imported.stderr);
  });

  after(async () => {
    await mariadb?.destroy();
  });

  test('random fd 3 data exits as documented', async () => {
    const random = new FuzzRandom(SEED);
    const seeds = [
      Buffer.from(`${USER}\0${PASSWORD}\0`),
      Buffer.from(`${USER}\0wrong-password\x001733300000\0`),
      Buffer.from(`nobody@example.org\0${PASSWORD}\0`),
    ];
    const inputs = Array.from({ length: RUNS }, () => mutate(random, seeds));
    const exits = new Map<number | null, number>();

    const runOne = async (index: number) => {
      const data = inputs[index] ?? Buffer.alloc(0);
      const environment = {
        SERVICE: SERVICES[index % SERVICES.length] ?? 'imap',
        TCPREMOTEIP: '192.0.2.30',
      };
      const result = await runWithFD3(site.configPath, data, environment);
      exits.set(result.exitCode, (exits.get(result.exitCode) ?? 0) + 1);
      const label = `run ${index} input ${data.toString('hex')}`;
      if (result.exitCode === 0) {
        assert.ok(holdsRealCredentials(data), `${label} exited 0`);
      } else {
        assert.ok(
          DOCUMENTED_EXITS.has(result.exitCode ?? -1),
          `${label}: ${result.exitCode}`,
        );
      }
      assert.doesNotMatch(
        result.stderr,
        /\n\s+at |TypeError|RangeError/,
        label,
      );
    };

    for (let start = 0; start < RUNS; start += PARALLEL_RUNS) {
      const batch = [];
      for (
        let index = start;
        index < Math.min(start + PARALLEL_RUNS, RUNS);
        index++
      ) {
        batch.push(runOne(index));
      }
      await Promise.all(batch);
    }
    process.stdout.write(`# exit statuses: ${JSON.stringify([...exits])}\n`);
    assert.equal(
      [...exits.values()].reduce((sum, count) => sum + count, 0),
      RUNS,
    );
  });
});
