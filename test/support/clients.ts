import { createConnection, type Socket } from 'node:net';

import { runCommand } from './process.ts';
import { requireTools } from './tools.ts';

const CURL_PATH = '/usr/bin/curl';
const CURL_LOGIN_DENIED = 67;

/**
 * Login result as the client sees it. Dovecot replies to a temporary
 * failure with `NO [UNAVAILABLE]` (IMAP) or `-ERR [SYS/TEMP]` (POP3), and
 * curl exits 67 for it just as for a rejection, so the reply text decides.
 */
export type LoginOutcome = 'accepted' | 'rejected' | 'tempfail' | 'error';

/** Result of one curl login. */
export type LoginResult = {
  ok: boolean;
  outcome: LoginOutcome;
  curlExit: number;
  /** curl's stdout and verbose stderr, with credentials replaced. */
  output: string;
};

/** Options for the curl logins. */
export type LoginOptions = {
  /** curl's --max-time. A login that takes longer ends as 'error'. */
  maxTimeSeconds?: number;
  /**
   * Local address to connect from (curl's --interface), e.g. 127.0.0.2,
   * so that the server sees another remote IP on loopback.
   */
  sourceAddress?: string;
};

/** Result of one LMTP transaction with a single recipient. */
export type LMTPResult = {
  /** True when both RCPT TO and the end of DATA got a 2xx reply. */
  accepted: boolean;
  rcptReply: string;
  /** Reply after the message, or null when RCPT TO was rejected. */
  dataReply: string | null;
  /** Every line sent ("C: ") and received ("S: "). */
  transcript: string[];
};

/** Options for lmtpDeliver. */
export type LMTPOptions = {
  sender?: string;
  /** Message text with LF or CRLF line ends, dot-stuffed when sent. */
  message?: string;
  timeoutMs?: number;
};

/**
 * Log in over IMAP with curl (AUTHENTICATE PLAIN, then LIST). The
 * credentials reach curl on stdin, never in argv.
 *
 * NOTE: when passdb accepts but the userdb lookup fails, Dovecot 2.3
 * sometimes closes the connection before curl reads the NO reply, so
 * the outcome is then 'error' (curl exit 56) rather than 'tempfail'.
 */
export function curlIMAPLogin(
  port: number,
  user: string,
  password: string,
  options: LoginOptions = {},
): Promise<LoginResult> {
  return curlLogin(`imap://127.0.0.1:${port}/`, user, password, options);
}

/** Log in over POP3 with curl (AUTH PLAIN, then LIST), as curlIMAPLogin. */
export function curlPOP3Login(
  port: number,
  user: string,
  password: string,
  options: LoginOptions = {},
): Promise<LoginResult> {
  return curlLogin(`pop3://127.0.0.1:${port}/`, user, password, options);
}

async function curlLogin(
  url: string,
  user: string,
  password: string,
  options: LoginOptions,
): Promise<LoginResult> {
  requireTools([{ path: CURL_PATH, debianPackage: 'curl' }]);
  if (user.includes(':')) {
    throw new Error(`curl cannot send a user name that contains ":": ${user}`);
  }

  const maxTimeSeconds = options.maxTimeSeconds ?? 60;
  // --disable must come first: it keeps ~/.curlrc out of the request.
  const args = ['--disable', '--config', '-', '--silent', '--show-error'];
  if (options.sourceAddress !== undefined) {
    args.push('--interface', options.sourceAddress);
  }
  args.push('--verbose', '--max-time', String(maxTimeSeconds), url);
  const config = `user = "${quoteCurlConfig(`${user}:${password}`)}"\n`;
  const result = await runCommand(CURL_PATH, args, {
    input: config,
    timeoutMs: (maxTimeSeconds + 10) * 1000,
  });

  const curlExit = result.exitCode ?? -1;
  const output = redactCredentials(`${result.stdout}${result.stderr}`);
  const outcome = classifyLogin(curlExit, output);
  return { ok: outcome === 'accepted', outcome, curlExit, output };
}

/** Escape a value for a double-quoted string in a curl config file. */
function quoteCurlConfig(value: string): string {
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\t', '\\t')
    .replaceAll('\r', '\\r')
    .replaceAll('\n', '\\n');
}

const TEMPFAIL_REPLY = /^< (\S+ NO \[UNAVAILABLE\]|-ERR \[SYS\/TEMP\])/m;

function classifyLogin(curlExit: number, output: string): LoginOutcome {
  if (curlExit === 0) return 'accepted';
  if (TEMPFAIL_REPLY.test(output)) return 'tempfail';
  if (curlExit === CURL_LOGIN_DENIED) return 'rejected';
  return 'error';
}

// Client lines whose arguments carry credentials: "A1 AUTHENTICATE PLAIN x"
// and "AUTH PLAIN x" send a SASL initial response, LOGIN and PASS a password.
const SASL_INITIAL_RESPONSE = /^(> (?:\S+ )?AUTH(?:ENTICATE)? \S+ ).+$/i;
const PASSWORD_COMMAND = /^(> (?:\S+ )?(?:LOGIN|PASS) ).+$/i;
// A SASL challenge is "+" alone or "+ data", but POP3's "+OK" is not one.
const SASL_CHALLENGE = /^< \+( |$)/;

/**
 * Replace passwords in curl's verbose transcript: SASL initial responses,
 * LOGIN and PASS arguments, and each client line after a "+" challenge.
 */
function redactCredentials(output: string): string {
  let afterChallenge = false;
  const lines = output.split(/\r?\n/).map((line) => {
    let redacted = line
      .replace(SASL_INITIAL_RESPONSE, '$1<hidden>')
      .replace(PASSWORD_COMMAND, '$1<hidden>');
    if (afterChallenge && line.startsWith('> ')) redacted = '> <hidden>';
    if (line.startsWith('< ') || line.startsWith('> ')) {
      afterChallenge = SASL_CHALLENGE.test(line);
    }
    return redacted;
  });
  return lines.join('\n');
}

/**
 * Deliver one message over LMTP to 127.0.0.1:port (LHLO, MAIL FROM,
 * RCPT TO, DATA), which makes Dovecot run a userdb lookup for recipient.
 * Rejects when the server fails a step that is not about the recipient.
 */
export async function lmtpDeliver(
  port: number,
  recipient: string,
  options: LMTPOptions = {},
): Promise<LMTPResult> {
  const sender = options.sender ?? 'sender@example.net';
  checkMailbox(recipient);
  checkMailbox(sender);

  const session = LMTPSession.open(port, options.timeoutMs ?? 30_000);
  try {
    await session.command(null, '220');
    await session.command('LHLO passgate.test', '250');
    await session.command(`MAIL FROM:<${sender}>`, '250');
    const rcptReply = await session.command(`RCPT TO:<${recipient}>`);
    if (!rcptReply.startsWith('2')) {
      await session.command('QUIT');
      const transcript = session.transcript;
      return { accepted: false, rcptReply, dataReply: null, transcript };
    }

    await session.command('DATA', '354');
    const message = options.message ?? defaultMessage(sender, recipient);
    const dataReply = await session.command(encodeData(message));
    await session.command('QUIT');
    const accepted = dataReply.startsWith('2');
    const transcript = session.transcript;
    return { accepted, rcptReply, dataReply, transcript };
  } finally {
    session.close();
  }
}

function checkMailbox(address: string): void {
  if (/[\s<>]/.test(address)) {
    throw new Error(`mail address must not contain spaces or <>: ${address}`);
  }
}

function defaultMessage(sender: string, recipient: string): string {
  return (
    `From: <${sender}>\nTo: <${recipient}>\n` +
    'Subject: passgate LMTP test\n\nTest message.\n'
  );
}

/** Convert to CRLF, dot-stuff, and add the terminating "." line. */
function encodeData(message: string): string {
  const lines = message.replace(/\r?\n$/, '').split(/\r?\n/);
  const stuffed = lines.map((line) =>
    line.startsWith('.') ? `.${line}` : line,
  );
  return `${stuffed.join('\r\n')}\r\n.`;
}

/** One LMTP connection that sends commands and reads multi-line replies. */
class LMTPSession {
  readonly transcript: string[] = [];
  readonly #socket: Socket;
  readonly #lines: string[] = [];
  #buffer = '';
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#receive(chunk));
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => this.#fail(new Error('LMTP connection closed')));
  }

  static open(port: number, timeoutMs: number): LMTPSession {
    const socket = createConnection({ host: '127.0.0.1', port });
    const session = new LMTPSession(socket);
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`LMTP timed out after ${timeoutMs} ms`)),
    );
    return session;
  }

  /**
   * Send line (unless null), read the reply and return it with its lines
   * joined by "\n". Rejects when expectedCode is given and not matched.
   */
  async command(line: string | null, expectedCode?: string): Promise<string> {
    if (line !== null) {
      this.transcript.push(`C: ${line}`);
      this.#socket.write(`${line}\r\n`);
    }
    const reply = await this.#readReply();
    if (expectedCode && !reply.startsWith(expectedCode)) {
      throw new Error(
        `LMTP expected ${expectedCode} but got:\n` + this.transcript.join('\n'),
      );
    }
    return reply;
  }

  close(): void {
    this.#socket.destroy();
  }

  async #readReply(): Promise<string> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.#nextLine();
      this.transcript.push(`S: ${line}`);
      lines.push(line);
      // "250-..." continues a reply and "250 ..." ends it (RFC 5321).
      if (line.charAt(3) !== '-') return lines.join('\n');
    }
  }

  async #nextLine(): Promise<string> {
    while (this.#lines.length === 0) {
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    return this.#lines.shift() ?? '';
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    const parts = this.#buffer.split('\r\n');
    this.#buffer = parts.pop() ?? '';
    this.#lines.push(...parts);
    this.#wake?.();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }
}
