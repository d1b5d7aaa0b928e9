import { writeSync } from 'node:fs';
import { REASONS, type Reason } from '../../policy/reasons.ts';
import { choosePublicReason } from '../../policy/second-factor-rules.ts';
import { EXIT, type ExitStatus } from '../exit-codes.ts';

export type VerifyOutcome = 'accepted' | 'rejected' | 'tempfail' | 'misuse';

/** Result that `verify` prints: never a secret, never a hidden reason. */
export interface VerifyAnswer {
  outcome: VerifyOutcome;
  reason: Reason;
  message: string;
}

const EXIT_BY_OUTCOME: Record<VerifyOutcome, ExitStatus> = {
  accepted: EXIT.OK,
  rejected: EXIT.REJECT,
  misuse: EXIT.MISUSE,
  tempfail: EXIT.TEMPFAIL,
};

/** Builds the answer for a logged reason, showing only its public form. */
export function buildVerifyAnswer(
  outcome: VerifyOutcome,
  loggedReason: Reason,
): VerifyAnswer {
  const reason = choosePublicReason(loggedReason);
  return { outcome, reason, message: REASONS[reason] };
}

export function exitStatusForOutcome(outcome: VerifyOutcome): ExitStatus {
  return EXIT_BY_OUTCOME[outcome];
}

/**
 * Writes the answer to standard output: one JSON object with `json`, else
 * one line for a person. The write is synchronous, so that it is complete
 * even when the deadline ends the process right after it.
 */
export function writeVerifyAnswer(answer: VerifyAnswer, json: boolean): void {
  const text = json
    ? JSON.stringify(answer)
    : `${answer.outcome}: ${answer.message}`;
  try {
    writeSync(1, `${text}\n`);
  } catch {
    // A caller that closed stdout still gets the exit status.
  }
}
