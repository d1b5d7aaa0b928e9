import { isIP } from 'node:net';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';

export interface VerifyArguments {
  configFile?: string;
  /** Service name, mapped to a class like checkpassword's SERVICE. */
  service: string;
  /** Address of the end user, for the log and the webmail networks. */
  remoteIP: string | null;
  json: boolean;
  help: boolean;
}

export const VERIFY_USAGE = `Usage: passgate verify [options] < request

Checks one login for a login page. Standard input carries
user NUL password NUL code NUL (at most 1024 bytes); the code is empty
when the user typed none. Exit status: 0 accepted, 1 rejected, 2 misuse,
111 temporary failure (database down, broken config, deadline passed).

Options:
  --service NAME     service name to classify the login (default: webmail)
  --remote-ip ADDR   IP address of the end user, for the log
  --json             print {"outcome", "reason", "message"} on stdout
  --config FILE      config file (default: $PASSGATE_CONFIG, else
                     /etc/passgate/passgate.toml)
  --help             print this help and exit 2, so that no caller
                     takes it for an accepted login
`;

const VALUE_OPTIONS = ['--service', '--remote-ip', '--config'];

/**
 * Parses the options of `passgate verify`, by hand so that a login loads
 * no CLI library. Accepts `--name value` and `--name=value`; any other
 * word is a usage error.
 */
export function parseVerifyArguments(args: readonly string[]): VerifyArguments {
  const result: VerifyArguments = {
    service: 'webmail',
    remoteIP: null,
    json: false,
    help: false,
  };

  for (let index = 0; index < args.length; index++) {
    const [name, inlineValue] = splitOption(args[index] ?? '');
    if (name === '--json' || name === '--help') {
      if (inlineValue !== undefined) throw usage(`${name} takes no value`);
      result[name === '--json' ? 'json' : 'help'] = true;
      continue;
    }
    if (!VALUE_OPTIONS.includes(name)) {
      throw usage(
        `unknown argument "${name}"; expected --service, --remote-ip, ` +
          '--json, --config or --help',
      );
    }
    const value = inlineValue ?? args[++index];
    if (value === undefined || value === '') {
      throw usage(`option ${name} needs a value`);
    }
    setValueOption(result, name, value);
  }
  return result;
}

function setValueOption(
  result: VerifyArguments,
  name: string,
  value: string,
): void {
  if (name === '--config') {
    result.configFile = value;
    return;
  }
  if (name === '--service') {
    result.service = value;
    return;
  }
  if (isIP(value) === 0) {
    throw usage(`--remote-ip "${value}" is not an IPv4 or IPv6 address`);
  }
  result.remoteIP = value;
}

function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  if (!arg.startsWith('--') || equals < 0) return [arg, undefined];
  return [arg.slice(0, equals), arg.slice(equals + 1)];
}

function usage(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.USAGE, `verify: ${message}`);
}
