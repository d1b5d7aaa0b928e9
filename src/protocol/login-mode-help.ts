/** One line per login mode, for the CLI's top-level help. */
export const LOGIN_MODE_SUMMARIES: readonly [string, string][] = [
  ['checkpassword', 'Dovecot 2.3 passdb and userdb, request on fd 3'],
  ['verify', 'one login for a login page, request on stdin'],
  ['pure-authd', 'pure-ftpd extauth, request in AUTHD_* variables'],
  ['pam', 'pam_exec expose_authtok, password on stdin'],
  ['apache', 'Apache mod_authnz_external, pipe method'],
  ['lua-bridge', 'helper for the Dovecot Lua passdb and userdb'],
];

const CONFIG_OPTION =
  '  --config FILE   config file (default: $PASSGATE_CONFIG, else\n' +
  '                  /etc/passgate/passgate.toml)\n';

// The exit statuses are listed so that whoever wires a host to a mode can
// check them; --help itself always exits 2 and never 0, because some hosts
// (mod_authnz_external, pam_exec) accept a login on exit status 0.
const MODE_USAGES: Record<string, string> = {
  checkpassword:
    'Usage: passgate checkpassword [--config FILE] [--service NAME] [--]\n' +
    '         reply-program [args...]\n\n' +
    'Checks one Dovecot 2.3 checkpassword request: user NUL password NUL on\n' +
    'fd 3 (at most 512 bytes). On success it runs the reply program; it\n' +
    'exits 1 rejected, 2 misuse, 111 temporary failure.\n\n' +
    'Options:\n' +
    CONFIG_OPTION +
    '  --service NAME  service name when Dovecot sets no SERVICE variable\n',
  'pure-authd':
    'Usage: passgate pure-authd [--config FILE]\n\n' +
    'Answers one pure-authd request for pure-ftpd: the request comes in\n' +
    'AUTHD_ACCOUNT, AUTHD_PASSWORD and AUTHD_REMOTE_IP, and the reply\n' +
    '(auth_ok:1, auth_ok:0 or auth_ok:-1, then end) goes to stdout.\n\n' +
    'Options:\n' +
    CONFIG_OPTION,
  pam:
    'Usage: passgate pam [--config FILE]\n\n' +
    'Checks one pam_exec login (auth ... pam_exec.so expose_authtok):\n' +
    'the password on stdin, the user in PAM_USER and the service in\n' +
    'PAM_SERVICE. Exit status 0 accepts; any other status rejects.\n\n' +
    'Options:\n' +
    CONFIG_OPTION,
  apache:
    'Usage: passgate apache [--config FILE] [--service NAME]\n\n' +
    'Checks one Apache mod_authnz_external login in the pipe method:\n' +
    'user LF password LF on stdin, the remote address in IP. Exit status 0\n' +
    'accepts; any other status rejects.\n\n' +
    'Options:\n' +
    CONFIG_OPTION +
    '  --service NAME  service name to classify the login (default: dav)\n',
  'lua-bridge':
    'Usage: passgate lua-bridge [--config FILE] passdb\n' +
    '       passgate lua-bridge [--config FILE] userdb USER\n\n' +
    'Helper for the Dovecot Lua passdb and userdb script. passdb reads\n' +
    'user NUL password NUL service NUL remote-ip NUL on stdin and exits\n' +
    '0 accepted, 1 rejected, 3 unknown account, 111 temporary failure.\n' +
    'userdb prints uid=, gid= and home= lines and exits 0, 3 or 111.\n\n' +
    'Options:\n' +
    CONFIG_OPTION,
};

/**
 * Returns the usage text of a login mode, or undefined for a mode that
 * prints its own help (verify).
 */
export function findLoginModeUsage(mode: string): string | undefined {
  return Object.hasOwn(MODE_USAGES, mode) ? MODE_USAGES[mode] : undefined;
}

/**
 * Checks whether the options of a login mode ask for help: `--help` or `-h`
 * before the first operand or `--`. Every other option of a login mode
 * takes a value, so the word after `--name` is skipped. A reply program's
 * own `-h` therefore never counts.
 */
export function isHelpRequest(args: readonly string[]): boolean {
  let index = 0;
  while (index < args.length) {
    const arg = args[index] ?? '';
    if (arg === '--help' || arg === '-h') return true;
    if (arg === '--' || !arg.startsWith('--')) return false;
    index += arg.includes('=') ? 1 : 2;
  }
  return false;
}
