import { describe, expect, it } from 'vitest';
import { deriveFileVerdict, deriveSignatureVerdict, type SignatureFacts } from '../../src-main/core/verify/report';

function passing(): SignatureFacts {
  return {
    cmsParsed: true,
    digestMatches: true,
    signatureVerifies: true,
    essMatches: true,
    weakAlgorithm: false,
    coverage: 'entire-file',
    modificationsAfter: 'none',
    trusted: true,
    chainBroken: false,
    validAtSigningTime: true,
    usageAllowed: true,
    timeSource: 'timestamp',
    timestampValid: true,
    revocation: { status: 'good', source: 'online-ocsp' },
    caRevokedBeforeSigning: false,
    signerIsAnchor: false,
    signingTime: '2026-01-01T00:00:00.000Z',
  };
}

const codes = (f: Partial<SignatureFacts>) => {
  const r = deriveSignatureVerdict({ ...passing(), ...f });
  return { verdict: r.verdict, intact: r.intact, codes: r.reasons.map((x) => x.code), notes: r.notes.map((x) => x.code) };
};

describe('deriveSignatureVerdict', () => {
  describe('a signer certificate that is itself a trust anchor', () => {
    const unknown = { status: 'unknown', source: 'none' } as const;

    it('is valid with unknown revocation, which stays reported as unknown with a note', () => {
      const facts = { ...passing(), signerIsAnchor: true, revocation: unknown };
      const r = deriveSignatureVerdict(facts);
      expect(r.verdict).toBe('valid');
      expect(r.reasons).toEqual([]);
      expect(r.notes.map((n) => n.code)).toContain('REVOCATION_NOT_APPLICABLE');
      expect(facts.revocation.status).toBe('unknown');
    });

    it('still needs revocation when it is not the anchor', () => {
      expect(codes({ signerIsAnchor: false, revocation: unknown })).toMatchObject({
        verdict: 'indeterminate',
        codes: ['REVOCATION_UNKNOWN'],
      });
    });

    it('does not excuse an untrusted chain from revocation', () => {
      const r = codes({ signerIsAnchor: true, trusted: false, revocation: unknown });
      expect(r.verdict).toBe('indeterminate');
      expect(r.codes).toEqual(['UNTRUSTED', 'REVOCATION_UNKNOWN']);
    });

    it('is still invalid when definitely revoked before signing', () => {
      const r = codes({
        signerIsAnchor: true,
        revocation: { status: 'revoked', source: 'embedded-crl', revokedAt: '2025-01-01T00:00:00Z' },
      });
      expect(r.verdict).toBe('invalid');
      expect(r.codes).toContain('REVOKED_BEFORE_SIGNING');
    });

    it('does not override other indeterminate reasons', () => {
      expect(codes({ signerIsAnchor: true, revocation: unknown, weakAlgorithm: true })).toMatchObject({
        verdict: 'indeterminate',
        codes: ['WEAK_ALGORITHM'],
      });
    });
  });

  it('is valid when every check passes', () => {
    expect(codes({})).toEqual({ verdict: 'valid', intact: true, codes: [], notes: [] });
  });

  it.each<[string, Partial<SignatureFacts>, string]>([
    ['digest mismatch', { digestMatches: false }, 'DIGEST_MISMATCH'],
    ['bad signature', { signatureVerifies: false }, 'SIGNATURE_INVALID'],
    ['unreadable CMS', { cmsParsed: false }, 'CMS_UNREADABLE'],
    ['ESS names another certificate', { essMatches: false }, 'ESS_MISMATCH'],
    ['anomalous coverage', { coverage: 'anomalous' }, 'COVERAGE_ANOMALOUS'],
    ['disallowed changes', { modificationsAfter: 'disallowed' }, 'MODIFICATIONS_DISALLOWED'],
    ['broken chain', { chainBroken: true, trusted: false }, 'CHAIN_BROKEN'],
    ['invalid timestamp', { timestampValid: false }, 'TIMESTAMP_INVALID'],
    ['key usage forbids signing', { usageAllowed: false }, 'USAGE_NOT_ALLOWED'],
    ['expired at a timestamped time', { validAtSigningTime: false }, 'CERT_NOT_VALID_AT_TIME'],
    [
      'revoked before signing',
      { revocation: { status: 'revoked', source: 'online-crl', revokedAt: '2025-06-01T00:00:00Z' } },
      'REVOKED_BEFORE_SIGNING',
    ],
    ['an intermediate CA revoked before signing', { caRevokedBeforeSigning: true }, 'CA_REVOKED'],
    ['revoked without a date', { revocation: { status: 'revoked', source: 'online-crl' } }, 'REVOKED_BEFORE_SIGNING'],
  ])('is invalid on %s', (_name, facts, code) => {
    const r = codes(facts);
    expect(r.verdict).toBe('invalid');
    expect(r.codes).toContain(code);
  });

  it.each<[string, Partial<SignatureFacts>, string]>([
    ['untrusted chain', { trusted: false }, 'UNTRUSTED'],
    ['revocation unknown', { revocation: { status: 'unknown', source: 'none' } }, 'REVOCATION_UNKNOWN'],
    ['SHA-1', { weakAlgorithm: true }, 'WEAK_ALGORITHM'],
    ['expired at a claimed time', { validAtSigningTime: false, timeSource: 'claimed', timestampValid: null }, 'CERT_NOT_VALID_AT_TIME'],
    [
      'revoked later without a timestamp',
      {
        timeSource: 'claimed',
        timestampValid: null,
        revocation: { status: 'revoked', source: 'online-ocsp', revokedAt: '2026-06-01T00:00:00Z' },
      },
      'REVOKED_AFTER_UNPROVEN',
    ],
  ])('is indeterminate on %s', (_name, facts, code) => {
    const r = codes(facts);
    expect(r.verdict).toBe('indeterminate');
    expect(r.codes).toContain(code);
  });

  it('stays valid when revocation came after a timestamped signature, with a note', () => {
    const r = codes({ revocation: { status: 'revoked', source: 'online-ocsp', revokedAt: '2026-06-01T00:00:00Z' } });
    expect(r.verdict).toBe('valid');
    expect(r.notes).toContain('REVOKED_AFTER_SIGNING');
  });

  it('notes a claimed time without changing a valid verdict', () => {
    const r = codes({ timeSource: 'claimed', timestampValid: null });
    expect(r).toMatchObject({ verdict: 'valid', notes: ['CLAIMED_TIME_ONLY'] });
  });

  it('is intact only when digest and signature both hold', () => {
    expect(codes({ digestMatches: false }).intact).toBe(false);
    expect(codes({ signatureVerifies: false }).intact).toBe(false);
    expect(codes({ trusted: false }).intact).toBe(true);
  });

  it('lists indeterminate reasons after the invalid ones', () => {
    expect(codes({ digestMatches: false, trusted: false }).codes).toEqual(['DIGEST_MISMATCH', 'UNTRUSTED']);
  });

  it('gives every reason a Spanish message', () => {
    const r = deriveSignatureVerdict({ ...passing(), digestMatches: false });
    expect(r.reasons[0]?.message).toMatch(/modificado/);
  });
});

describe('deriveFileVerdict', () => {
  it('worst signature wins', () => {
    expect(deriveFileVerdict([{ verdict: 'valid' }, { verdict: 'indeterminate' }]).verdict).toBe('indeterminate');
    expect(deriveFileVerdict([{ verdict: 'indeterminate' }, { verdict: 'invalid' }]).verdict).toBe('invalid');
    expect(deriveFileVerdict([{ verdict: 'valid' }, { verdict: 'valid' }]).verdict).toBe('valid');
  });
  it('a file without signatures is not valid', () => {
    expect(deriveFileVerdict([])).toMatchObject({ verdict: 'indeterminate', reasons: [{ code: 'NO_SIGNATURES' }] });
  });
});
