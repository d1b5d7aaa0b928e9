/**
 * Returns the program's own arguments. Both under `node script` and as a
 * single executable, Node puts two entries before them in process.argv.
 */
export function getExecutionArguments(): string[] {
  return process.argv.slice(2);
}
