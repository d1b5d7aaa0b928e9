import { createConnection, type Socket } from 'node:net';

/**
 * A minimal IMAP client that keeps one session open: it logs in with
 * LOGIN, then sends commands and waits for tagged replies, and reports
 * when the server closes the connection.
 */
export class IMAPSession {
  readonly transcript: string[] = [];
  readonly closed: Promise<void>;
  #socket: Socket;
  #buffer = '';
  #waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  #tag = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#receive(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', resolve));
  }

  /** Connects to 127.0.0.1:port and waits for the greeting. */
  static async open(port: number): Promise<IMAPSession> {
    const session = new IMAPSession(
      createConnection({ host: '127.0.0.1', port }),
    );
    await session.waitFor(/^\* OK/);
    return session;
  }

  /** Logs in, or rejects with the transcript unless the server replies OK. */
  async login(user: string, password: string): Promise<void> {
    const reply = await this.command(
      `LOGIN ${quote(user)} ${quote(password)}`,
      `LOGIN ${quote(user)} <hidden>`,
    );
    if (!/^\S+ OK/.test(reply)) {
      throw new Error(`IMAP LOGIN failed:\n${this.transcript.join('\n')}`);
    }
  }

  /** Starts IDLE and waits for the server's continuation line. */
  async idle(): Promise<void> {
    this.#tag += 1;
    this.#send(`i${this.#tag} IDLE`, `i${this.#tag} IDLE`);
    await this.waitFor(/^\+ /);
  }

  /** Sends one tagged command and returns its tagged reply line. */
  command(text: string, shown = text): Promise<string> {
    this.#tag += 1;
    const tag = `c${this.#tag}`;
    const reply = this.waitFor(new RegExp(`^${tag} `));
    this.#send(`${tag} ${text}`, `${tag} ${shown}`);
    return reply;
  }

  waitFor(pattern: RegExp): Promise<string> {
    return new Promise((resolve) => {
      this.#waiters.push({ pattern, resolve });
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #send(line: string, shown: string): void {
    this.transcript.push(`C: ${shown}`);
    this.#socket.write(`${line}\r\n`);
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    const lines = this.#buffer.split('\r\n');
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) {
      this.transcript.push(`S: ${line}`);
      const index = this.#waiters.findIndex((waiter) =>
        waiter.pattern.test(line),
      );
      if (index >= 0) this.#waiters.splice(index, 1)[0]?.resolve(line);
    }
  }
}

function quote(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
