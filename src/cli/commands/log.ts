import type { CommandModule } from 'yargs';
import { ERROR_CODES, PassgateError } from '../../errors/index.ts';
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

interface LogOptions extends GlobalOptions {
  user: string;
  limit?: number;
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
        type: 'number',
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

function parseLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new PassgateError(
      ERROR_CODES.INVALID_ARGUMENT,
      `--limit must be an integer from 1 to ${MAX_LIMIT}, got ${limit}`,
    );
  }
  return value;
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
