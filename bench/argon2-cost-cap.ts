// Measures one argon2id hash at the largest costs passgate computes, so
// that an operator can compare it with the login deadline. A login with a
// stored hash at these costs may run this long after the deadline passes,
// because the process waits for a running hash before it exits.
//
// Usage (after `npm ci`, with Node 24 from node_modules/.bin first in
// PATH): node bench/argon2-cost-cap.ts [rounds]
// Each round hashes once at 1 GiB x 2 passes and once at 512 MiB x 4
// passes, both at the limit of memory times passes, and prints the times.

import { performance } from 'node:perf_hooks';

import {
  ARGON2_COST_LIMITS,
  hashPassword,
  type Argon2Params,
} from '../src/crypto/password-hash.ts';

const { maxMemoryKiB, maxMemoryPassesKiB } = ARGON2_COST_LIMITS;
const CASES: Argon2Params[] = [
  {
    memoryKiB: maxMemoryKiB,
    passes: maxMemoryPassesKiB / maxMemoryKiB,
    parallelism: 1,
  },
  {
    memoryKiB: maxMemoryKiB / 2,
    passes: (2 * maxMemoryPassesKiB) / maxMemoryKiB,
    parallelism: 1,
  },
];

async function measureHashSeconds(params: Argon2Params): Promise<number> {
  const start = performance.now();
  await hashPassword(Buffer.from('benchmark password'), params);
  return (performance.now() - start) / 1000;
}

const rounds = Number(process.argv[2] ?? 3);
for (let round = 1; round <= rounds; round++) {
  for (const params of CASES) {
    const seconds = await measureHashSeconds(params);
    console.log(
      `round ${round}: m=${params.memoryKiB} KiB t=${params.passes} ` +
        `p=${params.parallelism}: ${seconds.toFixed(2)} s`,
    );
  }
}
