import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startMariaDB, type MariaDBServer } from '../support/mariadb.ts';
import { createPassgateSite, type PassgateSite } from '../support/passgate.ts';
import {
  addAccount,
  computeCode,
  runVerify,
  waitForFreshStep,
} from '../support/verify.ts';

const PASSWORD = 'replay-Password-1';
const PARALLEL_LOGINS = 20;

// A TOTP code works at most once: the accepted step is stored with a
// conditional update, so a replay fails in sequence and in parallel.
describe('TOTP replay', () => {
  let mariadb: MariaDBServer | undefined;
  let site: PassgateSite;

  before(async () => {
    mariadb = await startMariaDB();
    // Cheap argon2id costs keep 20 parallel logins within the deadline on
    // a small machine; the rule under test does not depend on them.
    site = await createPassgateSite(mariadb, {
      extraConfig: '[argon2]\nmemory_kib = 8192\npasses = 1',
    });
  });

  after(async () => {
    await mariadb?.destroy();
  });

  async function createTOTPAccount(user: string): Promise<string> {
    await addAccount(site, user, PASSWORD);
    const { secret } = await site.cliJSON(['2fa', 'totp', user]);
    await site.cliJSON(['2fa', 'on', user]);
    return secret;
  }

  it('refuses a code used before', async () => {
    const key = await createTOTPAccount('sequence@example.org');
    await waitForFreshStep();
    const code = computeCode(key);
    const login = { user: 'sequence@example.org', password: PASSWORD, code };

    const first = await runVerify(site, login);
    const second = await runVerify(site, login);
    assert.equal(first.exitCode, 0);
    assert.equal(second.exitCode, 1);
    assert.equal(second.answer.reason, 'code-already-used');
  });

  it('refuses a spaced retype of a used code', async () => {
    const key = await createTOTPAccount('spaced@example.org');
    await waitForFreshStep();
    const code = computeCode(key);
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;

    const first = await runVerify(site, {
      user: 'spaced@example.org',
      password: PASSWORD,
      code: spaced,
    });
    const second = await runVerify(site, {
      user: 'spaced@example.org',
      password: PASSWORD,
      code,
    });
    assert.equal(first.exitCode, 0, 'a code typed as "123 456" works');
    assert.equal(second.answer.reason, 'code-already-used');
  });

  it('refuses an older code after a newer one', async () => {
    const key = await createTOTPAccount('older@example.org');
    await waitForFreshStep();
    const newer = computeCode(key, 0);
    const older = computeCode(key, -1);

    const first = await runVerify(site, {
      user: 'older@example.org',
      password: PASSWORD,
      code: newer,
    });
    const second = await runVerify(site, {
      user: 'older@example.org',
      password: PASSWORD,
      code: older,
    });
    assert.equal(first.exitCode, 0);
    assert.equal(second.answer.reason, 'code-already-used');
  });

  it('accepts the next step after a used one', async () => {
    const key = await createTOTPAccount('next@example.org');
    await waitForFreshStep();
    const current = computeCode(key, 0);
    const next = computeCode(key, 1);

    const first = await runVerify(site, {
      user: 'next@example.org',
      password: PASSWORD,
      code: current,
    });
    const second = await runVerify(site, {
      user: 'next@example.org',
      password: PASSWORD,
      code: next,
    });
    assert.equal(first.exitCode, 0);
    assert.equal(second.exitCode, 0);
  });

  it(`accepts one of ${PARALLEL_LOGINS} parallel replays`, async () => {
    const key = await createTOTPAccount('parallel@example.org');
    await waitForFreshStep(20);
    const code = computeCode(key);
    const login = { user: 'parallel@example.org', password: PASSWORD, code };

    const results = await Promise.all(
      Array.from({ length: PARALLEL_LOGINS }, () => runVerify(site, login)),
    );
    const statuses = results.map((result) => result.exitCode);
    assert.equal(statuses.filter((status) => status === 0).length, 1);
    assert.equal(
      statuses.filter((status) => status === 1).length,
      PARALLEL_LOGINS - 1,
      `exit statuses: ${statuses.join(' ')}`,
    );
    for (const result of results.filter((entry) => entry.exitCode === 1)) {
      assert.equal(result.answer.reason, 'code-already-used');
    }
  });

  it('starts afresh with a new key', async () => {
    const user = 'rekeyed@example.org';
    const oldKey = await createTOTPAccount(user);
    await waitForFreshStep();
    const used = await runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(oldKey),
    });
    const { secret: newKey } = await site.cliJSON(['2fa', 'totp', user]);
    const oldCode = await runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(oldKey, 1),
    });
    const newCode = await runVerify(site, {
      user,
      password: PASSWORD,
      code: computeCode(newKey),
    });

    assert.equal(used.exitCode, 0);
    assert.equal(oldCode.answer.reason, 'wrong-credentials');
    assert.equal(newCode.exitCode, 0);
  });
});
