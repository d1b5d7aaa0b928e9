import { createConnection, type Socket } from 'node:net';

/**
 * A minimal POP3 client that logs in with USER and PASS and keeps the
 * session open, and reports when the server closes the connection.
 */
export class POP3Session {
  readonly transcript: string[] = [];
  readonly closed: Promise<void>;
  #socket: Socket;
  #buffer = '';
  #waiter: ((line: string) => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#receive(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', resolve));
  }

  /** Connects to 127.0.0.1:port, logs in, or rejects with the transcript. */
  static async login(
    port: number,
    user: string,
    password: string,
  ): Promise<POP3Session> {
    const session = new POP3Session(
      createConnection({ host: '127.0.0.1', port }),
    );
    const replies = [
      await session.#reply(null, ''),
      await session.#reply(`USER ${user}`, `USER ${user}`),
      await session.#reply(`PASS ${password}`, 'PASS <hidden>'),
    ];
    if (!replies.every((reply) => reply.startsWith('+OK'))) {
      session.close();
      throw new Error(`POP3 login failed:\n${session.transcript.join('\n')}`);
    }
    return session;
  }

  close(): void {
    this.#socket.destroy();
  }

  #reply(line: string | null, shown: string): Promise<string> {
    const reply = new Promise<string>((resolve) => (this.#waiter = resolve));
    if (line !== null) {
      this.transcript.push(`C: ${shown}`);
      this.#socket.write(`${line}\r\n`);
    }
    return reply;
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    const lines = this.#buffer.split('\r\n');
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) {
      this.transcript.push(`S: ${line}`);
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter?.(line);
    }
  }
}
