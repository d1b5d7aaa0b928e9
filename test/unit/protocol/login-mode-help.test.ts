import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  findLoginModeUsage,
  isHelpRequest,
} from '../../../src/protocol/login-mode-help.ts';

describe('isHelpRequest', () => {
  const cases: [string[], boolean][] = [
    [['--help'], true],
    [['-h'], true],
    [['--config', '/etc/p.toml', '--help'], true],
    [['--config=/etc/p.toml', '-h'], true],
    [['--config', '--help'], false],
    [['/usr/bin/reply', '--help'], false],
    [['/usr/bin/reply', '-h'], false],
    [['--', '-h'], false],
    [['passdb'], false],
    [[], false],
  ];
  for (const [args, expected] of cases) {
    it(`${JSON.stringify(args)} is ${expected}`, () => {
      assert.equal(isHelpRequest(args), expected);
    });
  }
});

describe('findLoginModeUsage', () => {
  it('leaves verify to its own help', () => {
    assert.equal(findLoginModeUsage('verify'), undefined);
  });

  it('ignores inherited property names', () => {
    assert.equal(findLoginModeUsage('toString'), undefined);
  });
});
