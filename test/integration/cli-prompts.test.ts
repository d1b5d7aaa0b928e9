import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  type PassgateSite,
} from '../support/passgate.ts';
import { runOnTerminal, type TerminalStep } from '../support/pty.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';

const PASSWORD = 'Prompt-Pass-1';

let mariadb: MariaDBServer | undefined;
let site: PassgateSite | undefined;

before(async () => {
  mariadb = await startMariaDB();
  site = await createPassgateSite(mariadb);
});

after(async () => {
  await mariadb?.destroy();
});

function started(): PassgateSite {
  assert.ok(site, 'the site did not start: see the error in before()');
  return site;
}

async function runTerminalCLI(args: string[], steps: TerminalStep[]) {
  const argv = [PASSGATE_BIN, '--config', started().configPath, ...args];
  const result = await runOnTerminal(argv, steps);
  recordOutput(`passgate ${args.join(' ')} terminal`, result.output);
  return result;
}

async function assertNoAccount(username: string) {
  const result = await started().cli(['user', 'show', username]);
  assert.equal(result.exitCode, 1, result.stderr);
}

describe('password prompt', () => {
  it('adds the account on matching answers', async () => {
    recordSecret(PASSWORD);
    const result = await runTerminalCLI(
      ['user', 'add', 'typed@example.org'],
      [
        { expect: 'New password: ', send: `${PASSWORD}\r` },
        { expect: 'Repeat password: ', send: `${PASSWORD}\r` },
      ],
    );

    assert.equal(result.exitCode, 0, result.output);
    assert.doesNotMatch(result.output, new RegExp(PASSWORD));
  });

  it('Ctrl-D cancels the first prompt', async () => {
    const result = await runTerminalCLI(
      ['user', 'add', 'eot@example.org'],
      [{ expect: 'New password: ', send: 'abc\u0004' }],
    );

    assert.equal(result.exitCode, 2, result.output);
    assert.match(result.output, /passgate: cancelled; nothing changed/);
    await assertNoAccount('eot@example.org');
  });

  it('Ctrl-C cancels the second prompt', async () => {
    recordSecret(PASSWORD);
    const result = await runTerminalCLI(
      ['user', 'add', 'intr@example.org'],
      [
        { expect: 'New password: ', send: `${PASSWORD}\r` },
        { expect: 'Repeat password: ', send: '\u0003' },
      ],
    );

    assert.equal(result.exitCode, 2, result.output);
    assert.match(result.output, /passgate: cancelled; nothing changed/);
    await assertNoAccount('intr@example.org');
  });

  it('short password fails before repeat', async () => {
    const result = await runTerminalCLI(
      ['user', 'add', 'brief@example.org'],
      [{ expect: 'New password: ', send: 'short\r' }],
    );

    assert.equal(result.exitCode, 2, result.output);
    assert.match(result.output, /fewer than 8 characters/);
    assert.doesNotMatch(result.output, /Repeat password/);
  });
});

describe('delete confirmation', () => {
  async function addAccount(username: string) {
    const result = await started().cli(
      ['user', 'add', username, '--password-stdin'],
      `${PASSWORD}\n`,
    );
    assert.equal(result.exitCode, 0, result.stderr);
  }

  it('Ctrl-C keeps the account', async () => {
    await addAccount('keep-intr@example.org');
    const result = await runTerminalCLI(
      ['user', 'delete', 'keep-intr@example.org'],
      [{ expect: '[y/N] ', send: '\u0003' }],
    );

    assert.equal(result.exitCode, 2, result.output);
    assert.match(result.output, /passgate: cancelled; nothing deleted/);
    assert.doesNotMatch(result.output, /internal error/);
    const show = await started().cli(['user', 'show', 'keep-intr@example.org']);
    assert.equal(show.exitCode, 0, show.stderr);
  });

  it('Ctrl-D keeps the account', async () => {
    await addAccount('keep-eot@example.org');
    const result = await runTerminalCLI(
      ['user', 'delete', 'keep-eot@example.org'],
      [{ expect: '[y/N] ', send: '\u0004' }],
    );

    assert.equal(result.exitCode, 2, result.output);
    assert.match(result.output, /passgate: cancelled; nothing deleted/);
    const show = await started().cli(['user', 'show', 'keep-eot@example.org']);
    assert.equal(show.exitCode, 0, show.stderr);
  });

  it('answer y deletes the account', async () => {
    await addAccount('gone@example.org');
    const result = await runTerminalCLI(
      ['user', 'delete', 'gone@example.org'],
      [{ expect: '[y/N] ', send: 'y\r' }],
    );

    assert.equal(result.exitCode, 0, result.output);
    await assertNoAccount('gone@example.org');
  });
});
