/** The X.509 KeyUsage bits (RFC 5280 §4.2.1.3), in bit order: one list for the signer and the verifier. */
export const KEY_USAGE_NAMES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

/** The names of the bits set in a KeyUsage BIT STRING's bytes (bit 0 is the top bit of the first byte). */
export function keyUsageNames(bytes: Uint8Array): string[] {
  return KEY_USAGE_NAMES.filter((_, i) => ((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}
