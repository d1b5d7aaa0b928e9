import type { CommandModule } from 'yargs';
import {
  describeLoginEvent,
  explainLoginEvent,
} from '../../policy/login-event-text.ts';
import {
  listLoginEvents,
  type LoginEvent,
} from '../../storage/login-events.ts';
import {
  formatDate,
  parseUsername,
  printResult,
  withCommandContext,
  type GlobalOptions,
} from '../context.ts';
import { parseIntegerOption } from '../integer-option.ts';

interface LogOptions extends GlobalOptions {
  user: string;
  limit?: string;
}

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export const logCommand: CommandModule<GlobalOptions, LogOptions> = {
  command: 'log <user>',
  describe: "List an account's recent logins and refusals, newest first",
  builder: (yargs) =>
    yargs
      .positional('user', { type: 'string', demandOption: true })
      .option('limit', {
        type: 'string',
        describe: `How many events to list (1 to ${MAX_LIMIT}, default ${DEFAULT_LIMIT})`,
      }),
  handler: (options) =>
    withCommandContext(options, async (context) => {
      const limit = parseLimit(options.limit);
      const username = parseUsername(options.user);
      const events = await listLoginEvents(context.database, username, limit);

      const human =
        events.length === 0
          ? `No logins of ${username} in the last ` +
            `${context.config.history.keepDays} days.`
          : events.map(formatEventLine).join('\n');
      printResult(context, human, {
        user: username,
        events: events.map(toJSONEvent),
      });
    }),
};

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  return parseIntegerOption('--limit', limit, { min: 1, max: MAX_LIMIT });
}

function formatEventLine(event: LoginEvent): string {
  return `${formatDate(event.createdAt)}  ${describeLoginEvent(event)}`;
}

function toJSONEvent(event: LoginEvent) {
  return {
    time: event.createdAt.toISOString(),
    service: event.service,
    serviceClass: event.serviceClass,
    remoteIP: event.remoteIP,
    outcome: event.outcome,
    reason: event.reason,
    explanation: explainLoginEvent(event),
    throttledBy: event.throttledBy,
    appPasswordId: event.appPasswordId,
    failedGuess: event.failedGuess,
  };
}
