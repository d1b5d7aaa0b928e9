import type { Config } from '../../config/config.ts';
import { expandHome } from '../checkpassword/reply.ts';

/** pure-authd's auth_ok values: accept, try the next -l method, refuse. */
export const AUTH_OK = { ACCEPT: 1, NEXT: 0, FAIL: -1 } as const;

/**
 * Builds the accepting extauth reply that pure-ftpd reads: uid and gid
 * above 0 and an absolute home directory, then the mandatory `end`.
 */
export function formatAcceptReply(config: Config, username: string): string {
  const home = expandHome(config.userdb.home, username);
  return (
    `auth_ok:${AUTH_OK.ACCEPT}\n` +
    `uid:${config.userdb.uid}\n` +
    `gid:${config.userdb.gid}\n` +
    `dir:${home}\n` +
    'end\n'
  );
}

/** Builds a rejecting reply: -1 stops pure-ftpd, 0 tries its next method. */
export function formatRejectReply(
  authOK: typeof AUTH_OK.NEXT | typeof AUTH_OK.FAIL,
): string {
  return `auth_ok:${authOK}\nend\n`;
}
