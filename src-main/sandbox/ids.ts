import crypto from 'node:crypto';

/** A 24-hex-character id shaped like a MongoDB ObjectId (seconds since epoch, then random bytes), as the platform's. */
export function newMessageId(now = Date.now()): string {
  const time = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return time + crypto.randomBytes(8).toString('hex');
}

export function isMessageId(text: string): boolean {
  return /^[0-9a-f]{24}$/.test(text);
}

/** HTTP-date in GMT, the platform's date format: `Mon, 14 Jun 2023 15:09:03 GMT`. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
