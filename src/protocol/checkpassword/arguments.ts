import { ERROR_CODES, PassgateError } from '../../errors/index.ts';

export interface CheckpasswordArguments {
  configFile?: string;
  /** Service name to use when the host sets no SERVICE variable. */
  service?: string;
  /** The reply program and its arguments; empty when none was given. */
  replyCommand: string[];
}

/**
 * Parses `[--config FILE] [--service NAME] [--] reply-program [args...]`.
 * Dovecot appends the reply program as the last word, so options come
 * first and the first word that is not an option starts the reply command.
 */
export function parseCheckpasswordArguments(
  args: readonly string[],
): CheckpasswordArguments {
  const result: CheckpasswordArguments = { replyCommand: [] };
  let index = 0;

  while (index < args.length) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('--')) break;
    const [name, inlineValue] = splitOption(arg);
    const value = inlineValue ?? args[index + 1];
    if (value === undefined || value === '') {
      throw usage(`option ${name} needs a value`);
    }
    if (name === '--config') result.configFile = value;
    else if (name === '--service') result.service = value;
    else throw usage(`unknown option ${name}; expected --config or --service`);
    index += inlineValue === undefined ? 2 : 1;
  }

  result.replyCommand = args.slice(index);
  return result;
}

function splitOption(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  if (equals < 0) return [arg, undefined];
  return [arg.slice(0, equals), arg.slice(equals + 1)];
}

function usage(message: string): PassgateError {
  return new PassgateError(ERROR_CODES.USAGE, `checkpassword: ${message}`);
}
