import {
  decideLogin,
  type AuthContext,
  type LoginDecision,
  type LoginRequest,
} from './authenticate.ts';
import { guardLogin } from './login-guard.ts';
import { checkSecondFactor, type SecondFactor } from './second-factor.ts';

export interface VerifyRequest extends LoginRequest {
  /** The second factor as typed; empty when none was given. */
  code: string;
}

export interface VerifyDecision extends LoginDecision {
  factor?: SecondFactor;
  driftSteps?: number;
}

/**
 * Decides a login from a login page under the failure limits, and records
 * the final decision in the login history. A webmail login of an account
 * with 2FA on needs the account password and then one valid second factor.
 * The code is checked only after the password matched, so a wrong password
 * never spends a code, and a throttled login checks neither. Every other
 * login is decided as by `authenticate`, and its code is ignored, so with
 * 2FA off the account password alone logs in to webmail.
 */
export async function verifyLogin(
  context: AuthContext,
  request: VerifyRequest,
): Promise<VerifyDecision> {
  return guardLogin(context, request, decideVerifyLogin);
}

async function decideVerifyLogin(
  context: AuthContext,
  request: VerifyRequest,
): Promise<VerifyDecision> {
  const decision = await decideLogin(context, request);
  const account = decision.account;
  const needsSecondFactor =
    decision.outcome === 'accept' &&
    decision.serviceClass === 'webmail' &&
    account?.twoFactorEnabled === true;
  if (!needsSecondFactor) return decision;

  const secondFactor = await checkSecondFactor(context, account, request.code);
  return { ...decision, ...secondFactor };
}
