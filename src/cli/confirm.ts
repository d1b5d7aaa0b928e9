import { createInterface } from 'node:readline/promises';
import { ERROR_CODES, PassgateError } from '../errors/index.ts';

/**
 * Asks a yes/no question on the terminal; without one, use --yes. Ctrl-C
 * or Ctrl-D at the question throws a usage error with cancelledMessage.
 */
export async function confirm(
  question: string,
  cancelledMessage: string,
): Promise<boolean> {
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
  // readline rejects the question with an AbortError on Ctrl-C, and
  // closes without an answer on Ctrl-D.
  const closed = new Promise<null>((resolve) => {
    prompt.once('close', () => resolve(null));
  });
  try {
    const answer = await Promise.race([
      prompt.question(`${question} [y/N] `),
      closed,
    ]).catch(() => null);
    if (answer === null) {
      process.stderr.write('\n');
      throw new PassgateError(ERROR_CODES.USAGE, cancelledMessage);
    }
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
