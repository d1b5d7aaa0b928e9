// Measures what a refused login costs for an unknown account, a disabled
// account, a wrong account password and a wrong app password, so that the
// four can be compared. They should match within a few percent, or the
// time reveals to an attacker which usernames exist.
//
// Usage (as root, after `make`): node bench/login-timing.ts [rounds]
// Starts a throwaway MariaDB, creates a site with the default argon2id
// costs, and times each case in-process through authenticate() and
// through the built executable's checkpassword mode. Each round runs every
// case once in a random order, so drift in machine load hits each alike.

import { performance } from 'node:perf_hooks';

import { authenticate, type LoginRequest } from '../src/auth/authenticate.ts';
import {
  loadLoginEnvironment,
  withDatabase,
} from '../src/auth/login-environment.ts';
import { startMariaDB } from '../test/support/mariadb.ts';
import {
  createPassgateSite,
  runCheckpassword,
  type PassgateSite,
} from '../test/support/passgate.ts';

const PASSWORD = 'benchmark account password';
const WRONG_APP_PASSWORD = 'abcd-efgh-jkmn-pqrs-tvwx-yz01';
const BASELINE = 'wrong account password';

interface BenchCase {
  name: string;
  username: string;
  secret: string;
}

const CASES: BenchCase[] = [
  { name: 'unknown account', username: 'nobody@example.org', secret: 'x1' },
  { name: 'disabled account', username: 'bob@example.org', secret: 'x1' },
  { name: BASELINE, username: 'alice@example.org', secret: 'x1' },
  {
    name: 'wrong app password',
    username: 'carol@example.org',
    secret: WRONG_APP_PASSWORD,
  },
];

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 60);
  const mariadb = await startMariaDB();
  try {
    const site = await createBenchSite(mariadb);
    const inProcess = await timeInProcess(site, rounds);
    printTable(`in-process authenticate(), ${rounds} rounds`, inProcess.wall);
    printTable('same calls, CPU time of the process', inProcess.cpu);
    const binaryRounds = Math.max(10, Math.round(rounds / 3));
    const binary = await timeBinary(site, binaryRounds);
    printTable(`dist/passgate checkpassword, ${binaryRounds} rounds`, binary);
  } finally {
    await mariadb.destroy();
  }
}

// Limits far above the number of attempts, so no case is throttled.
async function createBenchSite(
  mariadb: Awaited<ReturnType<typeof startMariaDB>>,
): Promise<PassgateSite> {
  const site = await createPassgateSite(mariadb, {
    extraConfig:
      '[throttle]\naddress_failures = 100000\naccount_failures = 100000\n',
  });
  for (const user of ['alice', 'bob', 'carol']) {
    const created = await site.cli(
      ['user', 'add', `${user}@example.org`, '--password-stdin'],
      PASSWORD,
    );
    if (created.exitCode !== 0) throw new Error(created.stderr);
  }
  await site.cli(['user', 'disable', 'bob@example.org']);
  await site.cli(['app-password', 'add', 'carol@example.org']);
  await site.cli(['app-password', 'on', 'carol@example.org']);
  return site;
}

// Besides wall time, records the CPU time of the whole process (argon2
// runs on libuv's thread pool), which other load on the machine disturbs
// less than wall time.
async function timeInProcess(
  site: PassgateSite,
  rounds: number,
): Promise<{ wall: Map<string, number[]>; cpu: Map<string, number[]> }> {
  const { config, siteKeys } = loadLoginEnvironment(site.configPath);
  const wall = new Map(CASES.map((entry) => [entry.name, [] as number[]]));
  const cpu = new Map(CASES.map((entry) => [entry.name, [] as number[]]));
  await withDatabase(config, async (database) => {
    for (let round = -2; round < rounds; round++) {
      for (const entry of shuffle(CASES)) {
        const cpuStart = process.cpuUsage();
        const started = performance.now();
        const decision = await authenticate(
          { config, siteKeys, database },
          toRequest(entry),
        );
        const elapsed = performance.now() - started;
        const cpuUsed = process.cpuUsage(cpuStart);
        if (decision.outcome !== 'reject') throw new Error(entry.name);
        // The first two rounds warm up caches and are not counted.
        if (round < 0) continue;
        wall.get(entry.name)?.push(elapsed);
        cpu.get(entry.name)?.push((cpuUsed.user + cpuUsed.system) / 1000);
      }
    }
  });
  return { wall, cpu };
}

async function timeBinary(
  site: PassgateSite,
  rounds: number,
): Promise<Map<string, number[]>> {
  const samples = new Map(CASES.map((entry) => [entry.name, [] as number[]]));
  for (let round = -1; round < rounds; round++) {
    for (const entry of shuffle(CASES)) {
      const data = Buffer.from(`${entry.username}\0${entry.secret}\0\0`);
      const started = performance.now();
      const result = await runCheckpassword(site.configPath, data, {
        SERVICE: 'imap',
        PATH: '/usr/bin:/bin',
      });
      const elapsed = performance.now() - started;
      if (result.exitCode !== 1)
        throw new Error(`${entry.name}: ${result.exitCode}`);
      if (round >= 0) samples.get(entry.name)?.push(elapsed);
    }
  }
  return samples;
}

function toRequest(entry: BenchCase): LoginRequest {
  return {
    rawUsername: entry.username,
    secret: Buffer.from(entry.secret),
    serviceName: 'imap',
    remoteIP: null,
  };
}

function printTable(title: string, samples: Map<string, number[]>): void {
  const baseline = median(samples.get(BASELINE) ?? []);
  console.log(`\n${title}`);
  console.log('case                      median ms   ratio to baseline');
  for (const [name, values] of samples) {
    const value = median(values);
    console.log(
      `${name.padEnd(26)}${value.toFixed(2).padStart(9)}` +
        `${(value / baseline).toFixed(3).padStart(20)}`,
    );
  }
}

// A new order each round, so no case always runs first after a pause.
function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

await main();
