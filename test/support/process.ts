import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Exit status and captured output of a finished command. */
export type CommandResult = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
};

/** Options for runCommand. */
export type RunCommandOptions = {
  /** Text written to the command's stdin, which is then closed. */
  input?: string;
  /** SIGKILL the command after this many milliseconds. */
  timeoutMs?: number;
};

const liveChildren = new Set<ChildProcess>();

// A daemon left behind by a failed test run would hold its ports and temp
// directory, so tracked children are killed when this process exits. The
// 'exit' event does not fire when a signal such as SIGKILL ends the process.
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** Kill the child with SIGKILL if this Node process exits before it does. */
export function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/** Run a command to completion without a shell and capture its output. */
export function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const child = spawn(file, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
  });
  trackChild(child);
  // A command that exits without reading its input (a refused config, a
  // usage error) closes the pipe first; that EPIPE is not a test failure.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) =>
      resolve({ exitCode, signal, stdout, stderr }),
    );
  });
}

/**
 * Wait for the child to exit. Returns false if it is still running after
 * timeoutMs; returns true at once if it has already exited.
 */
export function waitForExit(
  child: ChildProcess,
  timeoutMs: number,
): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);

  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Report whether the child has exited or was killed by a signal. */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Create a fresh directory under the system temp directory with mode 0755,
 * so daemons that drop to other users (dovecot, dovenull, the mail uid) can
 * reach sockets and files inside it.
 */
export function makePublicTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Read the last lineCount lines of a text file, or '' if it is missing. */
export function readTail(path: string, lineCount = 20): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  return text.trimEnd().split('\n').slice(-lineCount).join('\n');
}
