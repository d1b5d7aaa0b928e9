import { statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

/** A Unix user as the kernel checks permissions: uid and every gid. */
export interface UnixIdentity {
  name: string;
  uid: number;
  gids: readonly number[];
}

export type AccessMode = 'read' | 'write' | 'execute';

const MODE_BITS: Record<AccessMode, number> = {
  read: 4,
  write: 2,
  execute: 1,
};

/**
 * Tells whether `identity` may read, write or execute `path` under the
 * owner, group and other permission bits, including search (x) permission
 * on every parent directory. ACLs and capabilities other than root's are
 * not considered. Returns a description of the first obstacle, or null.
 */
export function findAccessObstacle(
  identity: UnixIdentity,
  path: string,
  mode: AccessMode,
  stat: (path: string) => Stats = statSync,
): string | null {
  for (const directory of parentsOf(path)) {
    const problem = checkBits(identity, directory, 'execute', stat);
    if (problem !== null) return problem;
  }
  return checkBits(identity, path, mode, stat);
}

function checkBits(
  identity: UnixIdentity,
  path: string,
  mode: AccessMode,
  stat: (path: string) => Stats,
): string | null {
  let info: Stats;
  try {
    info = stat(path);
  } catch (error) {
    return `${path}: ${(error as NodeJS.ErrnoException).code ?? 'stat failed'}`;
  }

  const bits = permittedBits(identity, info);
  const required = MODE_BITS[mode];
  // root passes read and write checks; execute needs one x bit anywhere.
  if (identity.uid === 0) {
    if (mode !== 'execute' || (info.mode & 0o111) !== 0) return null;
  } else if ((bits & required) === required) {
    return null;
  }
  const octal = (info.mode & 0o7777).toString(8).padStart(4, '0');
  return (
    `${path} (mode ${octal}, uid ${info.uid}, gid ${info.gid}) ` +
    `denies ${mode} to ${identity.name}`
  );
}

function permittedBits(identity: UnixIdentity, info: Stats): number {
  if (info.uid === identity.uid) return (info.mode >> 6) & 7;
  if (identity.gids.includes(info.gid)) return (info.mode >> 3) & 7;
  return info.mode & 7;
}

function parentsOf(path: string): string[] {
  const parents: string[] = [];
  let current = dirname(path);
  for (;;) {
    parents.unshift(current);
    const next = dirname(current);
    if (next === current) return parents;
    current = next;
  }
}

/** Tells whether users other than the owner and group may read `path`. */
export function isReadableByOthers(info: Stats): boolean {
  return (info.mode & 0o004) !== 0;
}
