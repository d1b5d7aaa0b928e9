import assert from 'node:assert/strict';

/**
 * One input reader under fuzz: seeds to mutate, the call, and the check
 * of each outcome. `accept` gets the input and what the reader returned;
 * `reject` gets what it threw and returns whether that is an orderly
 * refusal (a PassgateError with an expected code), not a crash.
 */
export interface FuzzTarget<Result> {
  name: string;
  iterations: number;
  seeds: readonly Buffer[];
  read(input: Buffer): Result;
  accept(input: Buffer, result: Result): void | Promise<void>;
  reject(error: unknown): boolean;
}

/** A small, fast, seeded generator (xorshift32), so a failure can be rerun. */
export class FuzzRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  below(limit: number): number {
    return this.next() % limit;
  }

  bytes(length: number): Buffer {
    const output = Buffer.allocUnsafe(length + 3);
    for (let index = 0; index < length; index += 4) {
      output.writeUInt32LE(this.next(), index);
    }
    return output.subarray(0, length);
  }
}

// Bytes that the readers treat specially: separators, prefixes, digits.
const TOKENS = ['\0', '$', '{', '}', ':', '\t', '\n', '=', ',', '.', '9', '#']
  .map((token) => Buffer.from(token))
  .concat([Buffer.from('\u00e9'), Buffer.from([0xff]), Buffer.from([0xc3])]);

/**
 * Derives one input from a seed: purely random bytes one time in eight,
 * else the seed with one to four mutations (flip, insert, delete, token,
 * repeat a slice, cut the end).
 */
export function mutate(random: FuzzRandom, seeds: readonly Buffer[]): Buffer {
  if (random.below(8) === 0) return random.bytes(random.below(600));
  let input = seeds[random.below(seeds.length)] ?? Buffer.alloc(0);
  const count = 1 + random.below(4);
  for (let step = 0; step < count; step++) input = mutateOnce(random, input);
  return input;
}

function mutateOnce(random: FuzzRandom, input: Buffer): Buffer {
  const at = random.below(input.length + 1);
  switch (random.below(6)) {
    case 0: {
      const output = Buffer.from(input);
      if (at < output.length)
        output[at] = (output[at] ?? 0) ^ (1 << random.below(8));
      return output;
    }
    case 1:
      return Buffer.concat([
        input.subarray(0, at),
        random.bytes(1 + random.below(4)),
        input.subarray(at),
      ]);
    case 2:
      return Buffer.concat([
        input.subarray(0, at),
        input.subarray(at + 1 + random.below(8)),
      ]);
    case 3: {
      const token = TOKENS[random.below(TOKENS.length)] ?? Buffer.alloc(0);
      return Buffer.concat([input.subarray(0, at), token, input.subarray(at)]);
    }
    case 4: {
      const slice = input.subarray(at, at + 1 + random.below(64));
      return Buffer.concat([
        input.subarray(0, at),
        slice,
        slice,
        input.subarray(at),
      ]);
    }
    default:
      return input.subarray(0, at);
  }
}

/**
 * Runs a target for its iterations and fails on the first input that
 * crashes the reader or breaks its check, naming the seed and the input.
 * Returns how many inputs the reader returned a value for and how many it
 * refused with an error.
 */
export async function runFuzzTarget<Result>(
  target: FuzzTarget<Result>,
  seed: number,
): Promise<{ returned: number; refused: number }> {
  const random = new FuzzRandom(seed);
  const counts = { returned: 0, refused: 0 };
  // Capturing a stack trace for each refusal would cost more than the
  // reader itself; failures below report the input instead.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (let iteration = 0; iteration < target.iterations; iteration++) {
      const input = mutate(random, target.seeds);
      const copy = Buffer.from(input);
      const failure = await checkOneInput(target, input, copy, counts);
      if (failure !== null) {
        assert.fail(describeFailure(target, seed, iteration, copy, failure));
      }
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return counts;
}

async function checkOneInput<Result>(
  target: FuzzTarget<Result>,
  input: Buffer,
  copy: Buffer,
  counts: { returned: number; refused: number },
): Promise<unknown> {
  let result: Result;
  try {
    result = target.read(input);
  } catch (error) {
    if (!target.reject(error)) return error;
    counts.refused++;
    return null;
  }
  try {
    const pending = target.accept(copy, result);
    if (pending !== undefined) await pending;
  } catch (error) {
    return error;
  }
  counts.returned++;
  return null;
}

function describeFailure(
  target: { name: string },
  seed: number,
  iteration: number,
  input: Buffer,
  error: unknown,
): string {
  const reason = error instanceof Error ? error.message : String(error);
  return (
    `${target.name}: seed ${seed} iteration ${iteration} ` +
    `input ${input.toString('hex')}: ${reason}`
  );
}
