/**
 * RC2-CBC decryption (RFC 2268), only for reading legacy PKCS#12 files: OpenSSL 1.x and many exports encrypt
 * the certificate bag with pbeWithSHAAnd40BitRC2-CBC, and Node does not load OpenSSL's legacy provider.
 */

// prettier-ignore
const PITABLE = Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
  'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
  '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
  '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
  '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
  'c5f3db47e5a59c770aa62068fe7fc1ad',
  'hex',
);

export function rc2ExpandKey(key: Buffer, effectiveBits: number): Uint16Array {
  const L = new Uint8Array(128);
  L.set(key.subarray(0, 128));
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[((L[i - 1] ?? 0) + (L[i - T] ?? 0)) & 0xff] ?? 0;
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[(L[128 - T8] ?? 0) & TM] ?? 0;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[(L[i + 1] ?? 0) ^ (L[i + T8] ?? 0)] ?? 0;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = (L[2 * i] ?? 0) | ((L[2 * i + 1] ?? 0) << 8);
  return K;
}

const SHIFTS = [1, 2, 3, 5];

function decryptBlock(K: Uint16Array, block: Buffer, out: Buffer, at: number): void {
  const R = [block.readUInt16LE(0), block.readUInt16LE(2), block.readUInt16LE(4), block.readUInt16LE(6)];
  let j = 63;
  const r = (i: number) => R[i & 3] ?? 0;
  const rmix = () => {
    for (let i = 3; i >= 0; i--) {
      const s = SHIFTS[i] ?? 0;
      let v = r(i);
      v = ((v >>> s) | (v << (16 - s))) & 0xffff;
      v = (v - (K[j--] ?? 0) - (r(i - 1) & r(i - 2)) - (~r(i - 1) & r(i - 3))) & 0xffff;
      R[i] = v;
    }
  };
  const rmash = () => {
    for (let i = 3; i >= 0; i--) R[i] = (r(i) - (K[r(i - 1) & 63] ?? 0)) & 0xffff;
  };
  for (let k = 0; k < 5; k++) rmix();
  rmash();
  for (let k = 0; k < 6; k++) rmix();
  rmash();
  for (let k = 0; k < 5; k++) rmix();
  for (let i = 0; i < 4; i++) out.writeUInt16LE(R[i] ?? 0, at + 2 * i);
}

/** Decrypts RC2-CBC and removes the PKCS#7 padding; throws on bad padding (a wrong key). */
export function rc2CbcDecrypt(key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer {
  if (data.length === 0 || data.length % 8 !== 0 || iv.length !== 8) throw new Error('bad decrypt');
  const K = rc2ExpandKey(key, effectiveBits);
  const out = Buffer.alloc(data.length);
  let prev = iv;
  for (let off = 0; off < data.length; off += 8) {
    const block = data.subarray(off, off + 8);
    decryptBlock(K, block, out, off);
    for (let i = 0; i < 8; i++) out[off + i] = (out[off + i] ?? 0) ^ (prev[i] ?? 0);
    prev = block;
  }
  const pad = out[out.length - 1] ?? 0;
  if (pad < 1 || pad > 8 || out.subarray(out.length - pad).some((b) => b !== pad)) throw new Error('bad decrypt');
  return out.subarray(0, out.length - pad);
}
