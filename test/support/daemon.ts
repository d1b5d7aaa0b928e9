import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { hasExited, trackChild, waitForExit } from './process.ts';

const STOP_TIMEOUT_MS = 10_000;

/** A daemon started in the foreground, stopped by its own pid. */
export type ForegroundDaemon = {
  child: ChildProcess;
  /** Last 8000 characters of its stdout and stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it has exited. */
  stop(): Promise<void>;
};

/** Picks a free TCP port on 127.0.0.1 (bound to port 0, then released). */
export async function reserveFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a program that stays in the foreground and tracks its pid. It
 * runs in its own process group, because some daemons (Apache's prefork
 * MPM) signal their whole group when they stop.
 */
export function startForeground(
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ForegroundDaemon {
  const child = spawn(program, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackChild(child);
  let output = '';
  const keep = (chunk: string): void => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  child.on('error', (error) => keep(`spawn failed: ${error.message}\n`));

  return {
    child,
    output: () => output,
    async stop() {
      if (hasExited(child)) return;
      child.kill('SIGTERM');
      if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
      child.kill('SIGKILL');
      await waitForExit(child, STOP_TIMEOUT_MS);
    },
  };
}

/** Waits until 127.0.0.1:port accepts a connection, or throws. */
export async function waitForPort(
  port: number,
  daemon: ForegroundDaemon,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(daemon.child)) {
      throw new Error(`daemon exited during startup:\n${daemon.output()}`);
    }
    if (await accepts(port)) return;
    await sleep(50);
  }
  throw new Error(
    `port ${port} accepted no connection within ${timeoutMs} ms:\n` +
      daemon.output(),
  );
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
