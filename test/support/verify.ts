import { createGuardrails, generateSync } from 'otplib';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PassgateSite } from './passgate.ts';
import { PASSGATE_BIN } from './passgate.ts';
import { runCommand } from './process.ts';
import { recordOutput, recordSecret } from './secrets.ts';

/** The JSON answer of `passgate verify --json`. */
export interface VerifyAnswer {
  outcome: 'accepted' | 'rejected' | 'tempfail' | 'misuse';
  reason: string;
  message: string;
}

export interface VerifyResult {
  exitCode: number | null;
  answer: VerifyAnswer;
  stdout: string;
  stderr: string;
}

export interface VerifyInput {
  user: string;
  password: string;
  code?: string;
  /** Extra arguments after `verify --config FILE --json`. */
  args?: string[];
}

/**
 * Runs `passgate verify --json` with `user\0password\0code\0` on standard
 * input, records the password, the code and stderr, and parses the answer.
 */
export async function runVerify(
  site: PassgateSite,
  input: VerifyInput,
): Promise<VerifyResult> {
  recordSecret(input.password);
  if (input.code !== undefined) recordSecret(input.code);
  const request = `${input.user}\0${input.password}\0${input.code ?? ''}\0`;
  const result = await runVerifyRaw(site, request, input.args);
  return { ...result, answer: parseAnswer(result.stdout) };
}

/** Runs `passgate verify --json` with raw standard input. */
export async function runVerifyRaw(
  site: PassgateSite,
  stdin: string,
  args: string[] = [],
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const result = await runCommand(
    PASSGATE_BIN,
    ['verify', '--config', site.configPath, '--json', ...args],
    { input: stdin },
  );
  recordOutput('passgate verify stderr', result.stderr);
  recordOutput('passgate verify stdout', result.stdout);
  return result;
}

function parseAnswer(stdout: string): VerifyAnswer {
  try {
    return JSON.parse(stdout) as VerifyAnswer;
  } catch {
    throw new Error(`verify printed no JSON answer: ${JSON.stringify(stdout)}`);
  }
}

// Imported keys may have 80 bits, below otplib's default minimum of 128.
const GUARDRAILS = createGuardrails({ MIN_SECRET_BYTES: 10 });

/**
 * Computes the 6-digit TOTP code of `key` (base32) at now plus
 * `offsetSteps` steps of 30 seconds, with otplib as an independent oracle,
 * and records it as a secret.
 */
export function computeCode(key: string, offsetSteps = 0): string {
  const epoch = Math.floor(Date.now() / 1000) + offsetSteps * 30;
  const code = generateSync({ secret: key, epoch, guardrails: GUARDRAILS });
  recordSecret(code);
  return code;
}

/**
 * Waits until at least `neededSeconds` remain in the current 30-second
 * step, so that codes computed now still belong to the same step when
 * passgate checks them.
 */
export async function waitForFreshStep(neededSeconds = 12): Promise<void> {
  const intoStepSeconds = (Date.now() / 1000) % 30;
  if (30 - intoStepSeconds >= neededSeconds) return;
  await sleep((30 - intoStepSeconds) * 1000 + 200);
}

/** Creates an account with a password; returns the password. */
export async function addAccount(
  site: PassgateSite,
  user: string,
  password: string,
): Promise<string> {
  const result = await site.cli(
    ['user', 'add', user, '--password-stdin'],
    `${password}\n`,
  );
  if (result.exitCode !== 0) {
    throw new Error(`user add ${user} failed: ${result.stderr}`);
  }
  return password;
}
