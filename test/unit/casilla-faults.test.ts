import { describe, expect, it } from 'vitest';
import { FaultInjector, FaultSpecError, formatFaultSpec, NO_FAULTS, parseFaultSpec } from '../../src-main/sandbox/faults';
import { EMAIL_ERRORS, planDelivery } from '../../src-main/sandbox/delivery';

describe('fault spec', () => {
  it('parses the documented example and prints it back', () => {
    const s = parseFaultSpec('drop-after-commit=0.2,reset=0.1,latency=50-400ms,status503=0.1,storm429=0.05,seed=7');
    expect(s).toEqual({
      ...NO_FAULTS,
      dropAfterCommit: 0.2,
      reset: 0.1,
      status503: 0.1,
      status500: 0,
      storm429: 0.05,
      latencyMs: { min: 50, max: 400 },
      seed: 7,
    });
    expect(parseFaultSpec(formatFaultSpec(s))).toEqual(s);
    expect(parseFaultSpec('latency=30ms').latencyMs).toEqual({ min: 30, max: 30 });
    expect(formatFaultSpec(parseFaultSpec(''))).toBe('none');
  });

  it.each(['reset=2', 'reset=-0.1', 'reset=abc', 'latency=400-50ms', 'latency=1-999999', 'nope=1', 'reset', 'seed=-1', 'x'.repeat(600)])(
    'rejects %s',
    (spec) => {
      expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    },
  );

  it('a seed makes the decisions repeatable; probabilities 1 and 0 are certain', () => {
    const a = new FaultInjector(parseFaultSpec('reset=0.5,latency=0-100,seed=42'));
    const b = new FaultInjector(parseFaultSpec('reset=0.5,latency=0-100,seed=42'));
    const seqA = Array.from({ length: 20 }, () => a.decide());
    expect(Array.from({ length: 20 }, () => b.decide())).toEqual(seqA);
    expect(new Set(seqA.map((d) => d.before)).size).toBe(2);
    const always = new FaultInjector(parseFaultSpec('drop-after-commit=1'));
    expect(always.decide()).toEqual({ latencyMs: 0, before: null, dropAfterCommit: true, afterStore: 'drop', statusGarbage: false });
    expect(new FaultInjector().decide()).toEqual({
      latencyMs: 0,
      before: null,
      dropAfterCommit: false,
      afterStore: null,
      statusGarbage: false,
    });
  });

  it('parses the platform-like faults and the ignored key, and prints them back', () => {
    const s = parseFaultSpec(
      'store-then-502=0.1,store-then-503=0.2,store-then-429=0.3,store-then-hang=0.05,store-then-garbage=0.04,hang=0.01,ignore-idempotency-key=1,no-inbox=1',
    );
    expect(s).toMatchObject({
      storeThen502: 0.1,
      storeThen503: 0.2,
      storeThen429: 0.3,
      storeThenHang: 0.05,
      storeThenGarbage: 0.04,
      hang: 0.01,
      ignoreIdempotencyKey: true,
      noInbox: true,
    });
    expect(parseFaultSpec(formatFaultSpec(s))).toEqual(s);
    expect(() => parseFaultSpec('ignore-idempotency-key=yes')).toThrow(FaultSpecError);
    expect(new FaultInjector(parseFaultSpec('store-then-502=1')).decide().afterStore).toBe('status502');
    expect(new FaultInjector(parseFaultSpec('store-then-garbage=1')).decide().afterStore).toBe('garbage');
    expect(new FaultInjector(parseFaultSpec('hang=1')).decide().before).toBe('hang');
    // A drop wins over the others: one answer per request.
    expect(new FaultInjector(parseFaultSpec('drop-after-commit=1,store-then-502=1')).decide().afterStore).toBe('drop');
  });
});

describe('delivery plan', () => {
  it('keeps the real test RUNs and derives the rest from the last digit', () => {
    expect(planDelivery(33333333)).toEqual({ ddu: 'casilla', initial: 'delivered', final: 'delivered' });
    expect(planDelivery(33333351).ddu).toBe('excepcion');
    expect(planDelivery(12345670).ddu).toBe('casilla');
    expect(planDelivery(12345674)).toEqual({ ddu: 'email', initial: 'pending', final: 'delivered' });
    expect(planDelivery(12345677).ddu).toBe('not_configured');
    expect(planDelivery(12345678).ddu).toBe('excepcion');
    const failing = planDelivery(12345679);
    expect(failing.ddu).toBe('email');
    expect(failing.initial).toBe('pending');
    expect(failing.final).toBe(EMAIL_ERRORS[1234567 % EMAIL_ERRORS.length]);
  });
});
