import { ERROR_CODES, PassgateError } from '../errors/index.ts';

export interface DoorArguments {
  configFile?: string;
  service?: string;
  /** Words after the options. */
  operands: string[];
}

/**
 * Parses `[--config FILE] [--service NAME] [operands...]` for the login
 * modes other than checkpassword. `--service` is accepted only where the
 * mode allows it.
 */
export function parseDoorArguments(
  mode: string,
  args: readonly string[],
  options: { allowService: boolean } = { allowService: false },
): DoorArguments {
  const result: DoorArguments = { operands: [] };
  let index = 0;

  while (index < args.length && (args[index] ?? '').startsWith('--')) {
    const arg = args[index] ?? '';
    const equals = arg.indexOf('=');
    const name = equals < 0 ? arg : arg.slice(0, equals);
    const value = equals < 0 ? args[index + 1] : arg.slice(equals + 1);
    if (value === undefined || value === '') {
      throw usage(mode, `option ${name} needs a value`);
    }
    if (name === '--config') result.configFile = value;
    else if (name === '--service' && options.allowService) {
      result.service = value;
    } else {
      const expected = options.allowService
        ? '--config or --service'
        : '--config';
      throw usage(mode, `unknown option ${name}; expected ${expected}`);
    }
    index += equals < 0 ? 2 : 1;
  }

  result.operands = args.slice(index);
  return result;
}

function usage(mode: string, message: string): PassgateError {
  return new PassgateError(ERROR_CODES.USAGE, `${mode}: ${message}`);
}
