import { accessSync, constants } from 'node:fs';

/** Executable that a test needs and the Debian package that installs it. */
export type RequiredTool = {
  path: string;
  debianPackage: string;
};

/**
 * Throw unless every tool is an executable file. The message names the
 * first missing package, so a test fails with a fix instead of skipping.
 */
export function requireTools(tools: readonly RequiredTool[]): void {
  for (const tool of tools) {
    if (!isExecutable(tool.path)) {
      throw new Error(
        `${tool.debianPackage} is not installed (missing ${tool.path}): ` +
          'run scripts/install-deps.sh as root',
      );
    }
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
