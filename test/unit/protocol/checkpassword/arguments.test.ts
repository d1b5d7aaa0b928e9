import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isPassgateError } from '../../../../src/errors/index.ts';
import { parseCheckpasswordArguments } from '../../../../src/protocol/checkpassword/arguments.ts';

const REPLY = '/usr/lib/dovecot/checkpassword-reply';

describe('parseCheckpasswordArguments', () => {
  const rows: [string, string[], object][] = [
    ['reply program only', [REPLY], { replyCommand: [REPLY] }],
    ['nothing at all', [], { replyCommand: [] }],
    [
      'config before reply',
      ['--config', '/etc/p.toml', REPLY],
      { configFile: '/etc/p.toml', replyCommand: [REPLY] },
    ],
    [
      'config with equals',
      ['--config=/etc/p.toml', REPLY],
      { configFile: '/etc/p.toml', replyCommand: [REPLY] },
    ],
    [
      'config and service',
      ['--service', 'imap', '--config=/c', REPLY],
      { configFile: '/c', service: 'imap', replyCommand: [REPLY] },
    ],
    [
      'options after reply belong to it',
      [REPLY, '--config', '/c'],
      { replyCommand: [REPLY, '--config', '/c'] },
    ],
    [
      'double dash ends options',
      ['--config', '/c', '--', '--odd-reply', 'x'],
      { configFile: '/c', replyCommand: ['--odd-reply', 'x'] },
    ],
    ['double dash alone', ['--'], { replyCommand: [] }],
    [
      'reply with arguments',
      ['--config=/c', '/bin/reply', 'a', 'b'],
      { configFile: '/c', replyCommand: ['/bin/reply', 'a', 'b'] },
    ],
  ];
  for (const [name, args, expected] of rows) {
    it(name, () => {
      assert.deepEqual(parseCheckpasswordArguments(args), expected, name);
    });
  }

  const errors: [string, string[], RegExp][] = [
    ['unknown option', ['--verbose', REPLY], /unknown option --verbose/],
    ['missing config value', ['--config'], /--config needs a value/],
    ['missing service value', ['--service'], /--service needs a value/],
  ];
  for (const [name, args, message] of errors) {
    it(name, () => {
      assert.throws(
        () => parseCheckpasswordArguments(args),
        (error: unknown) =>
          isPassgateError(error) &&
          error.code === 'USAGE' &&
          message.test(error.message),
        name,
      );
    });
  }
});
