import { ERROR_CODES, PassgateError } from '../errors/index.ts';

/** Minimum and maximum account password length in characters. */
export const MIN_PASSWORD_LENGTH = 8;
// Dovecot passes user and password in at most 512 bytes on fd 3.
export const MAX_PASSWORD_BYTES = 256;

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

async function promptTwice(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new PassgateError(
      ERROR_CODES.USAGE,
      'no terminal to ask for the password: pass it with --password-stdin',
    );
  }
  const first = await promptHidden('New password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw invalid('the two passwords differ');
  return first;
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let answer = '';
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    const onData = (data: Buffer) => {
      for (const character of data.toString('utf8')) {
        if (character === '\r' || character === '\n') {
          finish();
          return resolve(answer);
        }
        if (character === '\u0003') {
          finish();
          return reject(invalid('cancelled'));
        }
        if (character === '\u007f') answer = answer.slice(0, -1);
        else answer += character;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

function invalid(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.INVALID_ARGUMENT, message);
}
