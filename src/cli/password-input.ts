import { ERROR_CODES, PassgateError } from '../errors/index.ts';

/** Minimum and maximum account password length in characters. */
export const MIN_PASSWORD_LENGTH = 8;
// Dovecot passes user and password in at most 512 bytes on fd 3.
export const MAX_PASSWORD_BYTES = 256;

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const DELETE = '\u007f';
const BACKSPACE = '\b';

/** State of a hidden prompt after some keys: still typing, done or cancelled. */
export interface PromptState {
  status: 'typing' | 'done' | 'cancelled';
  answer: string;
}

/**
 * Reads a new account password: the first line of standard input with
 * --password-stdin, else asked twice on the terminal without echo.
 */
export async function readNewPassword(fromStdin: boolean): Promise<Buffer> {
  const password = fromStdin ? await readStdinLine() : await promptTwice();
  validatePassword(password);
  return Buffer.from(password, 'utf8');
}

function validatePassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw invalid(
      `the password has fewer than ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw invalid(`the password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  if (/[\u0000-\u001f\u007f]/.test(password)) {
    throw invalid('the password contains control characters');
  }
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line.length === 0) {
    throw invalid('no password on standard input');
  }
  return line;
}

// The first answer is checked before the second prompt, so a password that
// cannot be used is rejected before the user types it again.
async function promptTwice(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new PassgateError(
      ERROR_CODES.USAGE,
      'no terminal to ask for the password: pass it with --password-stdin',
    );
  }
  const first = await promptHidden('New password: ');
  validatePassword(first);

  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw invalid('the two passwords differ');
  return first;
}

/**
 * Applies keys typed at a hidden prompt. Enter ends the input, Ctrl-C and
 * Ctrl-D (end of transmission) cancel it, and Delete or Backspace erases
 * the last character.
 */
export function applyPromptKeys(state: PromptState, keys: string): PromptState {
  let answer = state.answer;
  for (const key of keys) {
    if (key === '\r' || key === '\n') return { status: 'done', answer };
    if (key === CTRL_C || key === CTRL_D) {
      return { status: 'cancelled', answer: '' };
    }
    if (key === DELETE || key === BACKSPACE)
      answer = [...answer].slice(0, -1).join('');
    else answer += key;
  }
  return { status: 'typing', answer };
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let state: PromptState = { status: 'typing', answer: '' };
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (data: Buffer) => {
      state = applyPromptKeys(state, data.toString('utf8'));
      if (state.status === 'done') finish(() => resolve(state.answer));
      if (state.status === 'cancelled') finish(() => reject(cancelled()));
    };
    const onEnd = () => finish(() => reject(cancelled()));
    const finish = (settle: () => void) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      settle();
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
  });
}

function cancelled(): PassgateError {
  return new PassgateError(ERROR_CODES.USAGE, 'cancelled; nothing changed');
}

function invalid(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.INVALID_ARGUMENT, message);
}
