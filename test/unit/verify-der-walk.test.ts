import { describe, expect, it } from 'vitest';
import { children, readTlv } from '../../src-main/core/verify/der-walk';

describe('readTlv / children', () => {
  it('reads short and long lengths and the children of a SEQUENCE', () => {
    const long = Buffer.concat([Buffer.from([0x04, 0x81, 200]), Buffer.alloc(200, 7)]);
    const seq = Buffer.concat([Buffer.from([0x30, 0x81, 3 + long.length]), Buffer.from([0x02, 0x01, 0x05]), long]);
    const t = readTlv(seq, 0)!;
    expect(t).toEqual({ tag: 0x30, start: 0, contentStart: 3, end: seq.length });
    expect(children(seq, t)?.map((c) => [c.tag, c.end - c.contentStart])).toEqual([
      [0x02, 1],
      [0x04, 200],
    ]);
  });
  it('returns null for indefinite lengths, truncation, lengths past the end and high tag numbers', () => {
    expect(readTlv(Buffer.from([0x30, 0x80, 0, 0]), 0)).toBeNull();
    expect(readTlv(Buffer.from([0x30, 0x05, 1, 2]), 0)).toBeNull();
    expect(readTlv(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), 0)).toBeNull();
    expect(readTlv(Buffer.from([0x1f, 0x81, 0x01, 0x00]), 0)).toBeNull();
    expect(readTlv(Buffer.from([0x30]), 0)).toBeNull();
    // A child that runs past its parent's end.
    const bad = Buffer.from([0x30, 0x03, 0x04, 0x05, 0x00, 0x00, 0x00, 0x00]);
    expect(children(bad, readTlv(bad, 0)!)).toBeNull();
  });
});
