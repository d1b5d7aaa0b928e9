import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  parseVerifyArguments,
  type VerifyArguments,
} from '../../../../src/protocol/verify/arguments.ts';

describe('parseVerifyArguments', () => {
  const defaults: VerifyArguments = {
    service: 'webmail',
    remoteIP: null,
    json: false,
    help: false,
  };
  const accepted: [string[], VerifyArguments][] = [
    [[], defaults],
    [['--json'], { ...defaults, json: true }],
    [['--help'], { ...defaults, help: true }],
    [['--service', 'dav'], { ...defaults, service: 'dav' }],
    [['--service=dav'], { ...defaults, service: 'dav' }],
    [['--remote-ip', '192.0.2.7'], { ...defaults, remoteIP: '192.0.2.7' }],
    [['--remote-ip=2001:db8::7'], { ...defaults, remoteIP: '2001:db8::7' }],
    [
      ['--config', '/etc/p.toml', '--json'],
      { ...defaults, configFile: '/etc/p.toml', json: true },
    ],
  ];
  for (const [args, expected] of accepted) {
    it(`parses ${JSON.stringify(args)}`, () => {
      assert.deepEqual(parseVerifyArguments(args), expected);
    });
  }

  const rejected: [string[], RegExp][] = [
    [['--service'], /--service needs a value/],
    [['--service='], /--service needs a value/],
    [['--remote-ip', 'example.org'], /is not an IPv4 or IPv6 address/],
    [['--json=yes'], /--json takes no value/],
    [['--user', 'alice'], /unknown argument "--user"/],
    [['alice'], /unknown argument "alice"/],
  ];
  for (const [args, message] of rejected) {
    it(`rejects ${JSON.stringify(args)}`, () => {
      assert.throws(() => parseVerifyArguments(args), {
        code: 'USAGE',
        message,
      });
    });
  }
});
