/**
 * Turns a typed password into the bytes that are hashed. Valid UTF-8 is
 * normalised to NFC, so a password typed on keyboards that send composed
 * or decomposed characters (é as one code point or as e plus an accent)
 * matches either way. Bytes that are not valid UTF-8 are hashed as they are.
 */
export function passwordBytes(secret: Buffer): Buffer {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(secret);
  } catch {
    return secret;
  }
  const normalized = text.normalize('NFC');
  if (normalized === text) return secret;
  return Buffer.from(normalized, 'utf8');
}
