import { createInterface } from 'node:readline/promises';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';

/** Asks a yes/no question on the terminal; without one, use --yes. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new PassgateError(
      ERROR_CODES.USAGE,
      'no terminal to confirm on: pass --yes to delete without asking',
    );
  }
  const prompt = createInterface({
    input: process.stdin,
    output: process.stderr,
  });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
