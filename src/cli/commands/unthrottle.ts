import type { CommandModule } from 'yargs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
import { throttleAddressKey } from '../../policy/throttle-rules.ts';
import { clearFailures } from '../../storage/login-events.ts';
import {
  parseUsername,
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';

interface UnthrottleOptions extends GlobalOptions {
  user?: string;
  address?: string;
}

export const unthrottleCommand: CommandModule<
  GlobalOptions,
  UnthrottleOptions
> = {
  command: 'unthrottle [user]',
  describe:
    'Forget the failed logins of a username, or of an address with --address',
  builder: (yargs) =>
    yargs.positional('user', { type: 'string' }).option('address', {
      type: 'string',
      describe: 'Remote IP address to clear (IPv6: its whole /64)',
    }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const target = parseTarget(options);
      const cleared = await clearFailures(context.database, target.key);
      printResult(
        context,
        `Cleared ${cleared} failed login${cleared === 1 ? '' : 's'} of ` +
          `${target.label}; its logins are checked again.`,
        { ...target.json, cleared },
      );
    }),
};

function parseTarget(options: UnthrottleOptions) {
  if ((options.user === undefined) === (options.address === undefined)) {
    throw new PassgateError(
      ERROR_CODES.USAGE,
      'name either a user or --address IP; see "passgate unthrottle --help"',
    );
  }
  if (options.user !== undefined) {
    const username = parseUsername(options.user);
    return {
      key: { username },
      label: username,
      json: { user: username },
    };
  }

  const addressKey = throttleAddressKey(options.address ?? null);
  if (addressKey === null) {
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      `--address must be an IPv4 or IPv6 address, got "${options.address}"`,
    );
  }
  return {
    key: { addressKey },
    label: `address ${addressKey}`,
    json: { address: addressKey },
  };
}
