import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import {
  createPassgateSite,
  PASSGATE_BIN,
  runCheckpassword,
  type PassgateSite,
} from '../support/passgate.ts';
import { runCommand, type CommandResult } from '../support/process.ts';
import { recordOutput, recordSecret } from '../support/secrets.ts';

const PASSWORD = 'Account-Pass-1';
const APP_PASSWORD_PATTERN = /\b([0-9a-z]{4}(?:-[0-9a-z]{4}){5})\b/;

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

/** Asserts a failed command: its exit code and one `passgate:` line. */
function assertOneLineError(
  result: CommandResult,
  exitCode: number,
  message: RegExp,
): void {
  assert.equal(result.exitCode, exitCode, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^passgate: [^\n]+\n$/);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
}

async function addUser(username: string, password = PASSWORD) {
  const result = await started().cli(
    ['user', 'add', username, '--password-stdin'],
    `${password}\n`,
  );
  assert.equal(result.exitCode, 0, result.stderr);
  return result;
}

describe('init and db migrate', () => {
  it('init again changes nothing', async () => {
    const result = await started().cli(['init']);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^Nothing to do: .+ exist\.\n$/);
  });

  it('init --json lists nothing created', async () => {
    const output = await started().cliJSON(['init']);

    assert.deepEqual(output.created, []);
    assert.equal(output.configFile, started().configPath);
    assert.equal(output.siteKeyFile, started().siteKeyPath);
  });

  it('db migrate rerun is a no-op', async () => {
    const result = await started().cli(['db', 'migrate']);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^Schema is up to date \(version 3\)\.\n$/);
  });

  it('db migrate --json applies nothing', async () => {
    const output = await started().cliJSON(['db', 'migrate']);

    assert.deepEqual(output, { applied: [], version: 3 });
  });

  it('db migrate keeps existing accounts', async () => {
    await addUser('migrate@example.org');
    await started().cli(['db', 'migrate']);

    const output = await started().cliJSON([
      'user',
      'show',
      'migrate@example.org',
    ]);
    assert.equal(output.user, 'migrate@example.org');
  });
});

describe('user commands', () => {
  it('user add prints one line', async () => {
    const result = await addUser('add@example.org');

    assert.equal(result.stdout, 'Created account add@example.org.\n');
    assert.equal(result.stderr, '');
  });

  it('user add --json canonicalises', async () => {
    const output = await started().cliJSON(
      ['user', 'add', 'Mixed.Case@Example.ORG', '--password-stdin'],
      `${PASSWORD}\n`,
    );

    assert.deepEqual(output, { user: 'mixed.case@example.org', created: true });
  });

  it('user add rejects a duplicate', async () => {
    await addUser('dup@example.org');
    const result = await started().cli(
      ['user', 'add', 'DUP@example.org', '--password-stdin'],
      `${PASSWORD}\n`,
    );

    assertOneLineError(result, 1, /account "dup@example.org" already exists/);
  });

  it('user add rejects a trailing space', async () => {
    const result = await started().cli(
      ['user', 'add', 'space@example.org ', '--password-stdin'],
      `${PASSWORD}\n`,
    );

    assertOneLineError(result, 2, /invalid username "space@example.org "/);
    assert.match(
      result.stderr,
      /: the username starts or ends with whitespace, or contains a control, format or invisible character$/m,
    );
  });

  it('user show names username problems', async () => {
    const empty = await started().cli(['user', 'show', '']);
    const long = await started().cli(['user', 'show', `${'a'.repeat(256)}`]);

    assertOneLineError(
      empty,
      2,
      /invalid username "": the username is empty$/m,
    );
    assertOneLineError(
      long,
      2,
      /: the username is longer than 255 characters$/m,
    );
  });

  it('user add rejects a short password', async () => {
    const result = await started().cli(
      ['user', 'add', 'short@example.org', '--password-stdin'],
      'short\n',
    );

    assertOneLineError(result, 2, /fewer than 8 characters/);
  });

  it('user add without a terminal', async () => {
    const result = await started().cli(['user', 'add', 'tty@example.org']);

    assertOneLineError(result, 2, /no terminal .* --password-stdin/);
  });

  it('user passwd changes the password', async () => {
    await addUser('passwd@example.org');
    const result = await started().cli(
      ['user', 'passwd', 'passwd@example.org', '--password-stdin'],
      'Changed-Pass-2\n',
    );

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      'Changed the password of passwd@example.org.\n',
    );
    assert.equal(await loginStatus('passwd@example.org', PASSWORD), 1);
    assert.equal(await loginStatus('passwd@example.org', 'Changed-Pass-2'), 0);
  });

  it('user passwd --json', async () => {
    const output = await started().cliJSON(
      ['user', 'passwd', 'passwd@example.org', '--password-stdin'],
      'Changed-Pass-3\n',
    );

    assert.deepEqual(output, { user: 'passwd@example.org', changed: true });
  });

  it('user show --json has the state', async () => {
    await addUser('show@example.org');
    const output = await started().cliJSON([
      'user',
      'show',
      'show@example.org',
    ]);

    assert.equal(output.user, 'show@example.org');
    assert.equal(output.enabled, true);
    assert.equal(output.twoFactor, false);
    assert.equal(output.totpKey, false);
    assert.equal(output.unusedOneTimePasswords, 0);
    assert.equal(output.appPasswordsEnabled, false);
    assert.equal(output.appPasswords, 0);
    assert.match(output.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('user show prints labelled lines', async () => {
    const result = await started().cli(['user', 'show', 'show@example.org']);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^user: +show@example\.org$/m);
    assert.match(result.stdout, /^account: +enabled$/m);
    assert.match(result.stdout, /^2FA: +off$/m);
    assert.match(result.stdout, /^app passwords: +off \(0 of 0 enabled\)$/m);
    assert.doesNotMatch(result.stdout, /argon2/);
    const valueColumns = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => /^[^:]+: +/.exec(line)?.[0].length);
    assert.equal(valueColumns.length, 9);
    assert.equal(new Set(valueColumns).size, 1, result.stdout);
  });

  it('user show names an unknown user', async () => {
    const result = await started().cli(['user', 'show', 'nobody@example.org']);

    assertOneLineError(result, 1, /no account "nobody@example.org"/);
  });

  it('user list --json and text', async () => {
    await addUser('list@example.org');
    const rows = await started().cliJSON(['user', 'list']);
    const text = await started().cli(['user', 'list']);

    const row = rows.find(
      (entry: { user: string }) => entry.user === 'list@example.org',
    );
    assert.deepEqual(row, {
      user: 'list@example.org',
      enabled: true,
      twoFactor: false,
      appPasswordsEnabled: false,
    });
    assert.equal(text.exitCode, 0, text.stderr);
    assert.match(text.stdout, /^USER\tACCOUNT\t2FA\tAPP-PASSWORDS$/m);
    assert.match(text.stdout, /^list@example\.org\tenabled\toff\toff$/m);
  });

  it('user disable and enable', async () => {
    await addUser('switch@example.org');
    const disabled = await started().cli([
      'user',
      'disable',
      'switch@example.org',
    ]);
    const loginWhileDisabled = await loginStatus(
      'switch@example.org',
      PASSWORD,
    );
    const enabled = await started().cliJSON([
      'user',
      'enable',
      'switch@example.org',
    ]);

    assert.equal(disabled.exitCode, 0, disabled.stderr);
    assert.equal(disabled.stdout, 'Account switch@example.org is disabled.\n');
    assert.equal(loginWhileDisabled, 1);
    assert.deepEqual(enabled, { user: 'switch@example.org', enabled: true });
    assert.equal(await loginStatus('switch@example.org', PASSWORD), 0);
  });

  it('user delete needs --yes without terminal', async () => {
    await addUser('delete@example.org');
    const result = await started().cli([
      'user',
      'delete',
      'delete@example.org',
    ]);

    assertOneLineError(result, 2, /no terminal to confirm on: pass --yes/);
    const still = await started().cliJSON([
      'user',
      'show',
      'delete@example.org',
    ]);
    assert.equal(still.user, 'delete@example.org');
  });

  it('user delete --yes removes the account', async () => {
    const result = await started().cli([
      'user',
      'delete',
      'delete@example.org',
      '--yes',
    ]);
    const show = await started().cli(['user', 'show', 'delete@example.org']);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'Deleted account delete@example.org.\n');
    assert.equal(show.exitCode, 1);
  });

  it('user delete names an unknown user', async () => {
    const result = await started().cli([
      'user',
      'delete',
      'nobody@example.org',
      '--yes',
    ]);

    assertOneLineError(result, 1, /no account "nobody@example.org"/);
  });
});

describe('app-password commands', () => {
  const user = 'apps@example.org';
  let jsonPassword = '';
  let textPassword = '';
  let firstId = 0;

  before(async () => {
    await addUser(user);
  });

  it('add --json prints id and password', async () => {
    const output = await started().cliJSON([
      'app-password',
      'add',
      user,
      '--name',
      'phone',
    ]);

    assert.equal(typeof output.id, 'number');
    assert.match(output.password, APP_PASSWORD_PATTERN);
    assert.equal(output.name, 'phone');
    assert.deepEqual(output.scope, [
      'imap',
      'pop3',
      'smtp',
      'sieve',
      'dav',
      'ftp',
    ]);
    assert.equal(output.expires, null);
    assert.equal(output.appPasswordsEnabled, false);
    jsonPassword = output.password;
    firstId = output.id;
  });

  it('add prints the password once', async () => {
    const result = await started().cli([
      'app-password',
      'add',
      user,
      '--name',
      'laptop',
      '--scope',
      'IMAP, smtp',
      '--expires',
      '2099-12-31',
    ]);
    const match = APP_PASSWORD_PATTERN.exec(result.stdout);
    textPassword = match?.[1] ?? '';
    recordSecret(textPassword);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(match, result.stdout);
    assert.match(
      result.stdout,
      /^App password \d+ \(laptop\) for apps@example\.org:$/m,
    );
    assert.match(result.stdout, /shown only now/);
    assert.match(result.stdout, /passgate app-password on apps@example\.org/);
  });

  it('list --json has no secret', async () => {
    const output = await started().cliJSON(['app-password', 'list', user]);
    const text = JSON.stringify(output);

    assert.equal(output.user, user);
    assert.equal(output.appPasswordsEnabled, false);
    assert.equal(output.appPasswords.length, 2);
    const [phone, laptop] = output.appPasswords;
    assert.equal(phone.name, 'phone');
    assert.deepEqual(phone.scope, [
      'imap',
      'pop3',
      'smtp',
      'sieve',
      'dav',
      'ftp',
    ]);
    assert.equal(phone.enabled, true);
    assert.equal(phone.expired, false);
    assert.equal(phone.expires, null);
    assert.equal(phone.lastUsed, null);
    assert.equal(phone.lastUsedService, null);
    assert.equal(phone.lastUsedIP, null);
    assert.deepEqual(laptop.scope, ['imap', 'smtp']);
    assert.equal(laptop.expires, '2099-12-31T23:59:59Z');
    assert.equal(laptop.expired, false);
    assertNoSecret(text, [jsonPassword, textPassword]);
  });

  it('list text has no secret', async () => {
    const result = await started().cli(['app-password', 'list', user]);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^App passwords of apps@example\.org: off$/m);
    assert.match(
      result.stdout,
      /^ID\tNAME\tSCOPE\tENABLED\tCREATED\tEXPIRES\tLAST USE$/m,
    );
    assert.match(
      result.stdout,
      new RegExp(`^${firstId}\\tphone\\tall\\tyes\\t`, 'm'),
    );
    assertNoSecret(result.stdout, [jsonPassword, textPassword]);
  });

  it('list marks an expired password', async () => {
    const added = await started().cliJSON([
      'app-password',
      'add',
      user,
      '--name',
      'old',
      '--expires',
      '2099-01-01',
    ]);
    recordSecret(added.password);
    await mariadb!.rootQuery(
      `UPDATE \`${started().databaseName}\`.app_passwords ` +
        'SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE ' +
        `WHERE id = ${Number(added.id)}`,
    );

    const json = await started().cliJSON(['app-password', 'list', user]);
    const text = await started().cli(['app-password', 'list', user]);
    await started().cli(['app-password', 'delete', user, String(added.id)]);

    const old = json.appPasswords.find(
      (entry: { id: number }) => entry.id === added.id,
    );
    assert.equal(old.expired, true);
    assert.equal(old.enabled, true);
    assert.match(
      text.stdout,
      new RegExp(`^${added.id}\\told\\t.*\\tyes\\t.*Z \\(expired\\)\\t`, 'm'),
    );
  });

  it('user show has no secret', async () => {
    const json = await started().cliJSON(['user', 'show', user]);
    const text = await started().cli(['user', 'show', user]);

    assert.equal(json.appPasswords, 2);
    assertNoSecret(JSON.stringify(json), [jsonPassword, textPassword]);
    assertNoSecret(text.stdout, [jsonPassword, textPassword]);
  });

  it('on and off switch the account', async () => {
    const on = await started().cliJSON(['app-password', 'on', user]);
    const off = await started().cli(['app-password', 'off', user]);

    assert.deepEqual(on, { user, appPasswordsEnabled: true });
    assert.equal(off.exitCode, 0, off.stderr);
    assert.equal(off.stdout, `App passwords of ${user} are off.\n`);
  });

  it('login records the last use', async () => {
    await started().cli(['app-password', 'on', user]);
    const before = await loginStatus(user, jsonPassword, '203.0.113.9');
    const output = await started().cliJSON(['app-password', 'list', user]);
    const phone = output.appPasswords[0];

    assert.equal(before, 0);
    assert.match(phone.lastUsed, /^\d{4}-\d\d-\d\dT/);
    assert.equal(phone.lastUsedService, 'imap');
    assert.equal(phone.lastUsedIP, '203.0.113.9');
    assert.equal(output.appPasswords[1].lastUsed, null);
  });

  it('disable and enable one', async () => {
    const disabled = await started().cli([
      'app-password',
      'disable',
      user,
      String(firstId),
    ]);
    const refused = await loginStatus(user, jsonPassword);
    const enabled = await started().cliJSON([
      'app-password',
      'enable',
      user,
      String(firstId),
    ]);

    assert.equal(disabled.exitCode, 0, disabled.stderr);
    assert.equal(
      disabled.stdout,
      `App password ${firstId} of ${user} is disabled.\n`,
    );
    assert.equal(refused, 1);
    assert.deepEqual(enabled, { user, id: firstId, enabled: true });
    assert.equal(await loginStatus(user, jsonPassword), 0);
  });

  it('disable twice still succeeds', async () => {
    await started().cli(['app-password', 'disable', user, String(firstId)]);
    const again = await started().cli([
      'app-password',
      'disable',
      user,
      String(firstId),
    ]);
    await started().cli(['app-password', 'enable', user, String(firstId)]);

    assert.equal(again.exitCode, 0, again.stderr);
  });

  it('delete removes one', async () => {
    const output = await started().cliJSON([
      'app-password',
      'delete',
      user,
      String(firstId),
    ]);
    const list = await started().cliJSON(['app-password', 'list', user]);

    assert.deepEqual(output, { user, id: firstId, deleted: true });
    assert.equal(list.appPasswords.length, 1);
    assert.equal(await loginStatus(user, jsonPassword), 1);
  });

  const errors: [string, string[], number, RegExp][] = [
    [
      'unknown id',
      ['app-password', 'enable', user, '99999'],
      1,
      /apps@example\.org has no app password 99999/,
    ],
    [
      'delete unknown id',
      ['app-password', 'delete', user, '99999'],
      1,
      /has no app password 99999/,
    ],
    [
      'id not a number',
      ['app-password', 'disable', user, 'abc'],
      2,
      /invalid app password id "abc"/,
    ],
    [
      'id with a fraction',
      ['app-password', 'disable', user, '1.5'],
      2,
      /invalid app password id "1\.5"/,
    ],
    [
      'unknown user',
      ['app-password', 'add', 'nobody@example.org'],
      1,
      /no account "nobody@example.org"/,
    ],
    [
      'bad scope',
      ['app-password', 'add', user, '--scope', 'imap,webmail'],
      2,
      /--scope: unknown class "webmail"/,
    ],
    [
      'empty scope',
      ['app-password', 'add', user, '--scope', ','],
      2,
      /--scope is empty/,
    ],
    [
      'empty scope item',
      ['app-password', 'add', user, '--scope', 'imap,,smtp'],
      2,
      /--scope "imap,,smtp" has an empty item/,
    ],
    [
      'impossible expiry date',
      ['app-password', 'add', user, '--expires', '2027-02-30'],
      2,
      /--expires "2027-02-30" is not an ISO 8601 date/,
    ],
    [
      'past expiry',
      ['app-password', 'add', user, '--expires', '2020-01-01'],
      2,
      /--expires "2020-01-01" is in the past/,
    ],
    [
      'bad expiry',
      ['app-password', 'add', user, '--expires', 'tomorrow'],
      2,
      /--expires "tomorrow" is not an ISO 8601 date/,
    ],
    [
      'empty name',
      ['app-password', 'add', user, '--name', ' '],
      2,
      /--name must be 1 to 100 printable characters/,
    ],
  ];
  for (const [name, args, exitCode, message] of errors) {
    it(`rejects ${name}`, async () => {
      assertOneLineError(await started().cli(args), exitCode, message);
    });
  }
});

describe('2fa commands', () => {
  const user = 'twofactor@example.org';

  before(async () => {
    await addUser(user);
  });

  it('on is rejected without a factor', async () => {
    const result = await started().cli(['2fa', 'on', user]);

    assertOneLineError(
      result,
      1,
      /has no TOTP key and no unused one-time passwords/,
    );
    const state = await started().cliJSON(['user', 'show', user]);
    assert.equal(state.twoFactor, false);
  });

  it('totp --json prints key and URI', async () => {
    const output = await started().cliJSON(['2fa', 'totp', user]);

    assert.match(output.secret, /^[A-Z2-7]{32}$/);
    assert.match(output.uri, /^otpauth:\/\/totp\/.*secret=[A-Z2-7]{32}/);
    assert.ok(output.uri.includes(output.secret));
  });

  it('totp --json says the key is new', async () => {
    await addUser('fresh-totp@example.org');
    const output = await started().cliJSON([
      '2fa',
      'totp',
      'fresh-totp@example.org',
    ]);
    recordSecret(output.secret);

    assert.equal(output.replaced, false);
  });

  it('totp --json says it replaced a key', async () => {
    const output = await started().cliJSON(['2fa', 'totp', user]);

    assert.equal(output.replaced, true);
  });

  it('totp prints key, URI and QR', async () => {
    const result = await started().cli(['2fa', 'totp', user]);
    const key = /key: ((?:[A-Z2-7]{4} ?){8})/.exec(result.stdout)?.[1] ?? '';
    recordSecret(key.replaceAll(' ', ''));
    recordSecret(key.trim());

    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /^New TOTP key for twofactor@example\.org \(shown only now\):$/m,
    );
    assert.match(result.stdout, /uri: otpauth:\/\/totp\//);
    assert.match(result.stdout, /[▀▄█]/);
  });

  it('totp names the replaced key', async () => {
    const result = await started().cli(['2fa', 'totp', user]);
    const key = /key: ((?:[A-Z2-7]{4} ?){8})/.exec(result.stdout)?.[1] ?? '';
    recordSecret(key.replaceAll(' ', ''));
    recordSecret(key.trim());

    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /^This replaced the previous TOTP key, so codes from it no longer work\.$/m,
    );
  });

  it('otp --count prints codes once', async () => {
    const output = await started().cliJSON([
      '2fa',
      'otp',
      user,
      '--count',
      '3',
    ]);
    const show = await started().cliJSON(['user', 'show', user]);

    assert.equal(output.codes.length, 3);
    assert.equal(output.unused, 3);
    for (const code of output.codes)
      assert.match(code, /^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    assert.equal(show.unusedOneTimePasswords, 3);
    assert.equal(show.totpKey, true);
    assertNoSecret(JSON.stringify(show), output.codes);
  });

  it('otp rejects a bad count', async () => {
    const result = await started().cli(['2fa', 'otp', user, '--count', '0']);

    assertOneLineError(
      result,
      2,
      /--count must be an integer from 1 to 100, got 0/,
    );
  });

  it('otp count names the text', async () => {
    const result = await started().cli(['2fa', 'otp', user, '--count', 'abc']);

    assertOneLineError(
      result,
      2,
      /--count must be an integer from 1 to 100, got abc$/m,
    );
  });

  it('on and off keep the factors', async () => {
    const on = await started().cliJSON(['2fa', 'on', user]);
    const warning = await started().cli(['2fa', 'on', user]);
    const off = await started().cli(['2fa', 'off', user]);
    const state = await started().cliJSON(['user', 'show', user]);

    assert.deepEqual(on, { user, twoFactor: true });
    assert.equal(warning.exitCode, 0, warning.stderr);
    assert.match(
      warning.stderr,
      /^passgate: warning: app passwords are off for twofactor@example\.org/,
    );
    assert.match(
      warning.stderr,
      /every mail client \(IMAP, POP3, SMTP\.\.\.\) is now rejected/,
    );
    assert.match(
      warning.stderr,
      /switch them on with: passgate app-password on twofactor@example\.org\n$/,
    );
    assert.equal(off.exitCode, 0, off.stderr);
    assert.equal(off.stdout, `2FA of ${user} is off.\n`);
    assert.equal(state.totpKey, true);
    assert.equal(state.unusedOneTimePasswords, 3);
  });

  it('unknown user is named', async () => {
    const result = await started().cli(['2fa', 'totp', 'nobody@example.org']);

    assertOneLineError(result, 1, /no account "nobody@example.org"/);
  });
});

describe('the other output form', () => {
  const user = 'forms@example.org';
  let appPasswordId = '';

  before(async () => {
    await addUser(user);
    const created = await started().cliJSON(['app-password', 'add', user]);
    appPasswordId = String(created.id);
  });

  it('user disable --json', async () => {
    const output = await started().cliJSON(['user', 'disable', user]);

    assert.deepEqual(output, { user, enabled: false });
  });

  it('user enable prints one line', async () => {
    const result = await started().cli(['user', 'enable', user]);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `Account ${user} is enabled.\n`);
  });

  it('app-password disable --json', async () => {
    const output = await started().cliJSON([
      'app-password',
      'disable',
      user,
      appPasswordId,
    ]);

    assert.deepEqual(output, {
      user,
      id: Number(appPasswordId),
      enabled: false,
    });
  });

  it('app-password enable prints one line', async () => {
    const result = await started().cli([
      'app-password',
      'enable',
      user,
      appPasswordId,
    ]);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      `App password ${appPasswordId} of ${user} is enabled.\n`,
    );
  });

  it('app-password on prints one line', async () => {
    const result = await started().cli(['app-password', 'on', user]);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `App passwords of ${user} are on.\n`);
  });

  it('app-password off --json', async () => {
    const output = await started().cliJSON(['app-password', 'off', user]);

    assert.deepEqual(output, { user, appPasswordsEnabled: false });
  });

  it('app-password delete prints one line', async () => {
    const result = await started().cli([
      'app-password',
      'delete',
      user,
      appPasswordId,
    ]);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      `Deleted app password ${appPasswordId} of ${user}.\n`,
    );
  });

  it('2fa otp prints the codes once', async () => {
    const result = await started().cli(['2fa', 'otp', user, '--count', '2']);
    const codes =
      result.stdout.match(/^  [0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/gm) ?? [];
    for (const code of codes) recordSecret(code.trim());
    const show = await started().cli(['user', 'show', user]);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(codes.length, 2, result.stdout);
    assert.match(result.stdout, /shown only now/);
    assert.match(
      result.stdout,
      /^2 unused; 0 unused of the old list were voided\.$/m,
    );
    assert.match(show.stdout, /^unused one-time passwords: 2$/m);
    assertNoSecret(
      show.stdout,
      codes.map((code) => code.trim()),
    );
  });

  it('2fa on prints one line', async () => {
    const result = await started().cli(['2fa', 'on', user]);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `2FA of ${user} is on.\n`);
  });

  it('2fa off --json', async () => {
    const output = await started().cliJSON(['2fa', 'off', user]);

    assert.deepEqual(output, { user, twoFactor: false });
  });

  it('user delete --yes --json', async () => {
    const output = await started().cliJSON(['user', 'delete', user, '--yes']);

    assert.deepEqual(output, { user, deleted: true });
  });
});

describe('help and usage', () => {
  const commands = [
    [],
    ['init'],
    ['db', 'migrate'],
    ['user', 'add'],
    ['user', 'passwd'],
    ['user', 'show'],
    ['user', 'list'],
    ['user', 'enable'],
    ['user', 'disable'],
    ['user', 'delete'],
    ['app-password', 'add'],
    ['app-password', 'list'],
    ['app-password', 'enable'],
    ['app-password', 'disable'],
    ['app-password', 'delete'],
    ['app-password', 'on'],
    ['app-password', 'off'],
    ['2fa', 'totp'],
    ['2fa', 'otp'],
    ['2fa', 'on'],
    ['2fa', 'off'],
  ];
  for (const command of commands) {
    it(`--help for ${command.join(' ') || 'passgate'}`, async () => {
      const result = await started().cli([...command, '--help']);

      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /^passgate /m);
      assert.match(result.stdout, /--json/);
    });
  }

  const errors: [string, string[], RegExp][] = [
    [
      'unknown command',
      ['frobnicate'],
      /^passgate: unknown command or argument "frobnicate"; see "passgate --help"$/m,
    ],
    [
      'unknown option',
      ['user', 'list', '--colour'],
      /^passgate: unknown option "--colour"; see "passgate --help"$/m,
    ],
    [
      'unknown option with a value',
      ['user', 'list', '--colour=red'],
      /^passgate: unknown option "--colour"/,
    ],
    ['missing argument', ['user', 'show'], /not enough non-option arguments/],
    ['no command', [], /^passgate: name a command; see "passgate --help"$/m],
    [
      'no user command',
      ['user'],
      /^passgate: name a user command; see "passgate user --help"$/m,
    ],
  ];
  for (const [name, args, message] of errors) {
    it(`rejects ${name}`, async () => {
      assertOneLineError(await started().cli(args), 2, message);
    });
  }

  it('--version prints the package version', async () => {
    const packageJSON = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'),
    );
    const result = await runCommand(PASSGATE_BIN, ['--version']);

    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `${packageJSON.version}\n`);
  });

  it('--help lists the login modes', async () => {
    const result = await runCommand(PASSGATE_BIN, ['--help']);

    assert.equal(result.exitCode, 0, result.stderr);
    for (const mode of [
      'checkpassword',
      'verify',
      'pure-authd',
      'pam',
      'apache',
      'lua-bridge',
    ]) {
      assert.match(result.stdout, new RegExp(`^  passgate ${mode} +\\S`, 'm'));
    }
  });

  it('names a missing config file', async () => {
    const result = await runCommand(PASSGATE_BIN, [
      '--config',
      '/nonexistent.toml',
      'user',
      'list',
    ]);
    recordOutput('passgate user list stderr', result.stderr);

    assert.equal(result.exitCode, 111);
    assert.equal(
      result.stderr,
      'passgate: cannot read config file /nonexistent.toml: ENOENT\n',
    );
  });

  it('rejects an empty --config', async () => {
    const result = await runCommand(PASSGATE_BIN, [
      '--config',
      '',
      'user',
      'list',
    ]);
    recordOutput('passgate user list stderr', result.stderr);

    assertOneLineError(result, 2, /^passgate: config file path is empty/);
  });

  it('rejects an empty PASSGATE_CONFIG', async () => {
    const result = await runCommand('/usr/bin/env', [
      'PASSGATE_CONFIG=',
      PASSGATE_BIN,
      'user',
      'list',
    ]);
    recordOutput('passgate user list stderr', result.stderr);

    assertOneLineError(result, 2, /^passgate: config file path is empty/);
  });

  it('takes the last repeated --config', async () => {
    const result = await started().cli([
      '--config',
      '/nonexistent.toml',
      'user',
      'list',
    ]);

    assert.equal(result.exitCode, 111);
    assert.match(
      result.stderr,
      /^passgate: cannot read config file \/nonexistent\.toml: ENOENT\n$/,
    );
  });
});

/** Runs a checkpassword login for IMAP and returns its exit status. */
async function loginStatus(
  username: string,
  secret: string,
  remoteIP = '192.0.2.200',
): Promise<number | null> {
  const result = await runCheckpassword(
    started().configPath,
    Buffer.from(`${username}\0${secret}\0\0`),
    { SERVICE: 'imap', TCPREMOTEIP: remoteIP },
  );
  return result.exitCode;
}

function assertNoSecret(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(secret.length > 0, 'an earlier test did not create the secret');
    assert.equal(text.includes(secret), false, 'a secret was printed again');
    assert.equal(text.includes(secret.replaceAll('-', '')), false);
  }
}

describe('login mode help', () => {
  const modes = ['checkpassword', 'pam', 'apache', 'pure-authd', 'lua-bridge'];

  async function runModeHelp(argv: string[]) {
    const logBefore = readFileSync(started().logPath, 'utf8');
    const result = await runCommand('/usr/bin/env', [
      `PASSGATE_CONFIG=${started().configPath}`,
      'AUTHD_ACCOUNT=help@example.org',
      ...argv,
    ]);
    recordOutput(`${argv.join(' ')} stderr`, result.stderr);
    const logAfter = readFileSync(started().logPath, 'utf8');
    return { result, logGrew: logAfter !== logBefore };
  }

  for (const mode of modes) {
    for (const flag of ['--help', '-h']) {
      it(`${mode} ${flag} prints usage`, async () => {
        const { result, logGrew } = await runModeHelp([
          PASSGATE_BIN,
          mode,
          flag,
        ]);

        assert.equal(result.exitCode, 2, result.stderr);
        assert.match(result.stdout, new RegExp(`^Usage: passgate ${mode} `));
        assert.doesNotMatch(result.stdout, /^auth_ok:/m);
        assert.equal(result.stderr, '');
        assert.equal(logGrew, false, 'the help request was logged');
      });
    }
  }

  it('help after --config counts', async () => {
    const { result } = await runModeHelp([
      PASSGATE_BIN,
      'checkpassword',
      '--config',
      started().configPath,
      '--help',
    ]);

    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(result.stdout, /^Usage: passgate checkpassword /);
  });

  it('link name takes --help', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'passgate-link-'));
    try {
      const link = join(dir, 'passgate-pure-authd');
      symlinkSync(PASSGATE_BIN, link);
      const { result, logGrew } = await runModeHelp([link, '--help']);

      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stdout, /^Usage: passgate pure-authd /);
      assert.doesNotMatch(result.stdout, /^auth_ok:/m);
      assert.equal(logGrew, false, 'the help request was logged');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
