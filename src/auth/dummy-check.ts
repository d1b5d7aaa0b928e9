import { randomBytes } from 'node:crypto';
import type { Argon2Config } from '../config/config.ts';
import { encodePHC, verifyPassword } from '../crypto/password-hash.ts';

const SALT_BYTES = 16;
const HASH_BYTES = 32;

/**
 * Runs the same argon2id verification as a real password check, against a
 * made-up hash with the configured costs, and ignores the result. Logins
 * without a usable stored hash call it, so their time matches a wrong
 * password.
 */
export async function runDummyPasswordCheck(
  password: Buffer,
  params: Argon2Config,
): Promise<void> {
  const phc = encodePHC({
    algorithm: 'argon2id',
    params,
    salt: randomBytes(SALT_BYTES),
    hash: Buffer.alloc(HASH_BYTES),
  });
  await verifyPassword(password, phc);
}
