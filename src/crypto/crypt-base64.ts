/** The crypt(3) base64 alphabet, least significant 6 bits first. */
const CRYPT_ALPHABET =
  './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Encodes a digest the way the MD5-crypt and SHA-crypt formats do: bytes
 * taken in the order that `groups` lists, three at a time (first byte in
 * the high bits), each group written as `characters` 6-bit symbols, low
 * bits first. A group of fewer bytes is padded with zeros at the top.
 */
export function encodeCryptBase64(
  digest: Buffer,
  groups: readonly (readonly number[])[],
): string {
  let text = '';
  for (const group of groups) {
    let value = 0;
    for (const index of group) value = (value << 8) | (digest[index] ?? 0);
    const characters = group.length + 1;
    for (let count = 0; count < characters; count++) {
      text += CRYPT_ALPHABET[value & 0x3f];
      value >>>= 6;
    }
  }
  return text;
}

/** Tells whether `text` uses only the crypt(3) base64 alphabet. */
export function isCryptBase64(text: string): boolean {
  return /^[./0-9A-Za-z]*$/.test(text);
}
