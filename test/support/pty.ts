import { requireTools } from './tools.ts';
import { runCommand } from './process.ts';

/** One step of a terminal session: wait for text, then type keys. */
export type TerminalStep = { expect: string; send: string };

/** Exit status and everything the program wrote to its terminal. */
export type TerminalResult = { exitCode: number; output: string };

// Python's pty module gives the program a real terminal, so raw-mode key
// handling runs as it does for a person at a shell. The script reads the
// program and its steps as JSON in argv[1] and prints the result as JSON.
const PTY_SCRIPT = `
import json, os, pty, select, sys, time
spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execv(spec['argv'][0], spec['argv'])
output = b''
def read_until(text, seconds):
    global output
    end = time.time() + seconds
    while text.encode() not in output and time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            output += chunk
for step in spec['steps']:
    read_until(step['expect'], 10)
    time.sleep(0.1)
    os.write(fd, step['send'].encode())
read_until('\\0never', 10)
_, status = os.waitpid(pid, 0)
code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -1
print(json.dumps({'exitCode': code, 'output': output.decode('utf8', 'replace')}))
`;

/** Runs argv on a pseudo-terminal, typing each step's keys after its text. */
export async function runOnTerminal(
  argv: string[],
  steps: TerminalStep[],
): Promise<TerminalResult> {
  requireTools([{ path: '/usr/bin/python3', debianPackage: 'python3' }]);
  const spec = JSON.stringify({ argv, steps });
  const result = await runCommand(
    '/usr/bin/python3',
    ['-c', PTY_SCRIPT, spec],
    {
      timeoutMs: 40_000,
    },
  );
  if (result.exitCode !== 0) {
    throw new Error(`the pty runner failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as TerminalResult;
}
