import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommonErrorCodes } from '../../src-main/api/result';
import { CASILLA_ERROR_TABLE } from '../../src-main/core/casilla/errors';
import { PdfErrorCodes } from '../../src-main/core/pdf/pdf-error';
import { SignErrorCodes } from '../../src-main/core/signing/sign-errors';
import en from '../../src-renderer/i18n/en.json';
import es from '../../src-renderer/i18n/es.json';
import { errorText, formatters, issueText, reasonText, translate } from '../../src-renderer/i18n/core';
import { AUDIT_ACTIONS } from '../../src-main/api/audit';
import { DDU_TYPES, RECIPIENT_STATUSES } from '../../src-main/api/delivery';
import { RECIPIENT_PROBLEM_CODES } from '../../src-main/api/compose';
import { OUTBOX_EVENT_CODES, OUTBOX_REASON_CODES, type OutboxReason } from '../../src-main/api/outbox';
import { outboxEventText, outboxReasonText } from '../../src-main/api/outbox-text';
import { SERVED_BASIS_CODES } from '../../src-main/api/compose';
import { TRUST_LIST_CODES, TRUST_PROBLEM_CODES, TRUST_STATUS_CODES } from '../../src-main/api/trust';

type Dict = { [k: string]: string | Dict };
function keys(d: Dict, prefix = ''): string[] {
  return Object.entries(d).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)));
}
function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('translations', () => {
  it('Spanish and English have the same keys', () => {
    expect(keys(en as Dict).sort()).toEqual(keys(es as Dict).sort());
  });
  it('every literal key the renderer asks for exists in Spanish', () => {
    const all = new Set(keys(es as Dict));
    const used = new Set<string>();
    for (const f of walk(path.resolve(__dirname, '../../src-renderer')).filter((f) => /\.tsx?$/.test(f))) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((k) => !all.has(k) && !all.has(`${k}_other`))).toEqual([]);
  });
});

/**
 * Every error code the core can return: the code tables (common, signing, PDF, the casilla platform's ERR0xx)
 * and every literal code thrown or returned anywhere under src-main (`new AppError('X'`, `fail('X'`, a
 * classified `kind: 'permanent', code: 'X'`, the web host's `error: { code: 'X'`). A code added without its texts
 * fails here.
 */
function coreErrorCodes(): string[] {
  const codes = new Set<string>([
    ...Object.values(CommonErrorCodes),
    ...Object.values(SignErrorCodes),
    ...Object.values(PdfErrorCodes),
    ...CASILLA_ERROR_TABLE.map(([code]) => code),
  ]);
  const patterns = [
    /new AppError\(\s*'([A-Z][A-Z0-9_]+)'/g,
    /\bfail\(\s*'([A-Z][A-Z0-9_]+)'/g,
    /kind: 'permanent',\s*code: '([A-Z][A-Z0-9_]+)'/g,
    /new CliExit\([^)]*?'([A-Z][A-Z0-9_]+)'\s*\)/g,
    // The outbox's error column (shown in the detail through its code) and the key sources' blockers/warnings.
    /\berror_code: '([A-Z][A-Z0-9_]+)'/g,
    /\bcode: '((?:CERT|KEY)_[A-Z0-9_]+)'/g,
  ];
  const srcMain = path.resolve(__dirname, '../../src-main');
  for (const f of walk(srcMain).filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(f, 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) codes.add(m[1]!);
    if (f.includes(`${path.sep}host${path.sep}`)) for (const m of text.matchAll(/code: '([A-Z][A-Z0-9_]+)'/g)) codes.add(m[1]!);
  }
  return [...codes].sort();
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('error codes', () => {
  const codes = coreErrorCodes();
  it('are collected from the core (the collector itself works)', () => {
    expect(codes).toContain('ERR031');
    expect(codes).toContain('SIGN_PASSWORD_REQUIRED');
    expect(codes).toContain('VERIFY_TRUST_UNREADABLE');
    expect(codes.length).toBeGreaterThan(60);
  });
  it('every code has a Spanish and an English text, with the same placeholders', () => {
    const esErrors = (es as { errors: Record<string, string> }).errors;
    const enErrors = (en as { errors: Record<string, string> }).errors;
    expect(codes.filter((c) => !esErrors[c])).toEqual([]);
    expect(codes.filter((c) => !enErrors[c])).toEqual([]);
    expect(codes.filter((c) => placeholders(esErrors[c] ?? '').join() !== placeholders(enErrors[c] ?? '').join())).toEqual([]);
  });
  it('English error texts are not the Spanish ones left untranslated', () => {
    const enErrors = (en as { errors: Record<string, string> }).errors;
    const spanish = /\b(el|la|los|las|del|una?|no se|archivo|contraseña|firma|destinatarios?|válid[oa]s?)\b|[áéíóúñ¿¡]/i;
    expect(codes.filter((c) => spanish.test(enErrors[c] ?? ''))).toEqual([]);
  });
  it('renders a code in the chosen language with its details, and the core message only for an unknown code', () => {
    const tEn = (k: string, v?: Record<string, string | number>) => translate('en', k, v);
    const tEs = (k: string, v?: Record<string, string | number>) => translate('es', k, v);
    expect(errorText(tEn, { code: 'ERR031', message: 'Envío duplicado' })).not.toMatch(/Envío/);
    expect(errorText(tEs, { code: 'ERR031', message: 'x' })).toMatch(/duplicado/i);
    expect(errorText(tEn, { code: 'NO_SUCH_CODE_YET', message: 'Mensaje del núcleo' })).toBe('Mensaje del núcleo');
  });
});

describe('verification reason codes', () => {
  it('every reason code of the verifier has a Spanish and an English text', () => {
    const source = fs.readFileSync(path.resolve(__dirname, '../../src-main/core/verify/report.ts'), 'utf8');
    const block = source.slice(source.indexOf('const msg = {'), source.indexOf('} as const;', source.indexOf('const msg = {')));
    const codes = [...block.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(15);
    const esCodes = (es as { verify: { reasonCodes: Record<string, string> } }).verify.reasonCodes;
    const enCodes = (en as { verify: { reasonCodes: Record<string, string> } }).verify.reasonCodes;
    expect(codes.filter((c) => !esCodes[c] || !enCodes[c])).toEqual([]);
    const tEn = (k: string, v?: Record<string, string | number>) => translate('en', k, v);
    expect(reasonText(tEn, 'en', { code: 'UNTRUSTED', message: 'No se pudo construir…' })).toBe(enCodes.UNTRUSTED);
    expect(reasonText(tEn, 'es', { code: 'UNTRUSTED', message: 'Mensaje del núcleo con detalle' })).toBe('Mensaje del núcleo con detalle');
  });
});

describe('plurals and dates', () => {
  it('picks the plural form by count in each language', () => {
    expect(translate('es', 'compose.queued', { count: 1 })).toMatch(/^En la bandeja de salida: 1 mensaje\./);
    expect(translate('es', 'compose.queued', { count: 3 })).toMatch(/3 mensajes\./);
    expect(translate('en', 'compose.queued', { count: 1 })).toMatch(/1 message\./);
    expect(translate('es', 'settings.trustAdded', { count: 1 })).toBe('Se agregó 1 certificado de confianza.');
    expect(translate('es', 'compose.recipientsValid', { count: 1 })).toBe('1 válido');
    expect(translate('es', 'compose.recipientsValid', { count: 0 })).toBe('0 válidos');
    for (const d of [es, en] as Dict[]) expect(JSON.stringify(d)).not.toMatch(/\(s\)|\(es\)/);
  });
  it('shows dates in the given time zone with its offset (Lima all year, Santiago with summer time)', () => {
    const at = '2026-01-15T12:00:00Z';
    expect(formatters('es', 'America/Lima').dateTime(at)).toBe('15/01/2026, 07:00:00 UTC−05:00');
    expect(formatters('es', 'America/Santiago').dateTime(at)).toBe('15/01/2026, 09:00:00 UTC−03:00');
    expect(formatters('en', 'America/Santiago').dateTime('2026-07-15T12:00:00Z')).toBe('15/07/2026, 08:00:00 UTC−04:00');
    expect(formatters('en', 'UTC').dateTime(at)).toBe('15/01/2026, 12:00:00 UTC+00:00');
    expect(formatters('es', 'America/Lima').dateTime('no es fecha')).toBe('—');
  });
});

/** `a.b.c` in a dictionary. */
function lookup(d: Dict, key: string): string | undefined {
  let cur: string | Dict | undefined = d;
  for (const part of key.split('.')) cur = typeof cur === 'object' ? cur[part] : undefined;
  return typeof cur === 'string' ? cur : undefined;
}

/**
 * Every closed union of codes the core sends instead of a sentence: each code has a Spanish and an English text
 * with the same placeholders, and the English one is not Spanish left untranslated.
 */
describe('codes across the contract', () => {
  const srcMain = path.resolve(__dirname, '../../src-main');
  const sources = walk(srcMain)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(f, 'utf8'));
  const spanish = /\b(el|la|los|las|del|una?|no se|archivo|contraseña|firma|destinatarios?|válid[oa]s?|usted)\b|[áéíóúñ¿¡]/i;
  const unions: Record<string, string[]> = {
    'settings.trustLists': [...TRUST_LIST_CODES],
    'settings.trustStatuses': [...TRUST_STATUS_CODES],
    'settings.trustProblems': [...TRUST_PROBLEM_CODES],
    'outbox.events': [...OUTBOX_EVENT_CODES],
    'outbox.reasons': [...OUTBOX_REASON_CODES],
    'outbox.servedBasis': [...SERVED_BASIS_CODES],
    'compose.problemCodes': [...RECIPIENT_PROBLEM_CODES],
    'outbox.dduTypes': [...DDU_TYPES],
    'outbox.recipientStatus': [...RECIPIENT_STATUSES],
    'settings.auditActions': AUDIT_ACTIONS.map((a) => a.replace(/\./g, '_')),
    // The contract's own refinements (`params: { code: 'X' }` in api/), worded by the UI instead of zod.
    validation: [...new Set(sources.flatMap((t) => [...t.matchAll(/params: \{ code: '([A-Z][A-Z0-9_]+)' \}/g)].map((m) => m[1]!)))],
  };
  for (const [section, codes] of Object.entries(unions)) {
    it(`${section}: every code has a Spanish and an English text, same placeholders, English not Spanish`, () => {
      expect(codes.length).toBeGreaterThan(section === 'validation' ? 1 : 2);
      // A code with plural forms (`<code>_one`, `<code>_other`) counts by its forms, each in both languages.
      const forms = (c: string) => (lookup(es as Dict, `${section}.${c}_other`) !== undefined ? [`${c}_one`, `${c}_other`] : [c]);
      const all = codes.flatMap(forms);
      const missing = all.filter((c) => !lookup(es as Dict, `${section}.${c}`) || !lookup(en as Dict, `${section}.${c}`));
      expect(missing).toEqual([]);
      const mismatched = all.filter(
        (c) => placeholders(lookup(es as Dict, `${section}.${c}`)!).join() !== placeholders(lookup(en as Dict, `${section}.${c}`)!).join(),
      );
      expect(mismatched).toEqual([]);
      expect(all.filter((c) => spanish.test(lookup(en as Dict, `${section}.${c}`)!))).toEqual([]);
    });
  }

  it('the outbox writes only coded timeline entries, with codes of the union', () => {
    const used = new Set(
      sources.flatMap((t) => [...t.matchAll(/\{\s*code: '([a-z_]+)',\s*(?:params: [^}]*\},\s*)?message:/g)].map((m) => m[1]!)),
    );
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((c) => !(OUTBOX_EVENT_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  it('outbox reasons nest and are worded whole in each language: no placeholder left, no Spanish in English', () => {
    const tEn = (k: string, v?: Record<string, string | number>) => translate('en', k, v);
    const tEs = (k: string, v?: Record<string, string | number>) => translate('es', k, v);
    const leaf: OutboxReason = { code: 'connection_interrupted', params: { net: 'ECONNRESET' } };
    for (const code of OUTBOX_REASON_CODES) {
      // Every parameter any reason uses, and a cause (a reason that quotes none ignores it).
      const r: OutboxReason = {
        code,
        params: {
          net: 'ECONNRESET',
          status: 502,
          error: 'ERR031',
          count: 2,
          rol: 12345678,
          messageDataId: 'a'.repeat(24),
          candidates: 'x, y',
          seconds: 400,
        },
        cause: { code: 'citizen_inbox_failed', cause: leaf },
      };
      const en = outboxReasonText(tEn, r);
      const es = outboxReasonText(tEs, r);
      expect(en, code).not.toMatch(/\{\w+\}|outbox\.reasons/);
      expect(es, code).not.toMatch(/\{\w+\}|outbox\.reasons/);
      expect(spanish.test(en), `${code}: ${en}`).toBe(false);
      expect(en).not.toBe(es);
    }
    const nested: OutboxReason = {
      code: 'search_failed_too_late',
      params: { seconds: 301 },
      cause: { code: 'citizen_pending_failed', cause: leaf },
    };
    expect(outboxReasonText(tEn, nested)).toBe(
      'could not search the platform (recipient lookup (citizenPending): connection interrupted (ECONNRESET)) and 301 s have passed since the attempt: resending could duplicate it',
    );
    expect(outboxReasonText(tEs, { code: 'absent_resend', cause: { code: 'not_listed', params: { count: 1, rol: 7 } } })).toBe(
      'no está en la casilla (la lista del destinatario 7 tiene 1 mensaje de la institución, ninguno con el mismo asunto y destinatarios desde el intento); se envía de nuevo',
    );
    // A platform refusal is worded by its error code's text, never the bare code.
    expect(outboxReasonText(tEn, { code: 'refused', params: { error: 'ERR031' } })).not.toMatch(/ERR031$/);
    // A timeline entry: the code's words and its reason; an old entry (sentence only) still shows in Spanish.
    const entry = {
      at: '2026-11-30T10:00:00Z',
      state: 'queued',
      detail: 'se volverá a buscar',
      code: 'look_again' as const,
      reason: { code: 'search_failed' as const, cause: leaf },
    };
    expect(outboxEventText(tEn, 'en', entry)).toBe(
      'it will be looked for again on the platform (could not search the platform: connection interrupted (ECONNRESET))',
    );
    expect(outboxEventText(tEs, 'es', { at: entry.at, state: 'queued', detail: 'texto libre de antes' })).toBe('texto libre de antes');
  });

  it('every audit action the core writes is listed in api/audit (so it has its texts)', () => {
    // `action: 'x'` and `action: cond ? 'x' : 'y'`: every quoted action in the expression counts.
    const written = new Set(
      sources.flatMap((t) =>
        [...t.matchAll(/action: (?!z\.)([^,}\n]+)/g)].flatMap((m) => [...m[1]!.matchAll(/'([a-z][a-zA-Z0-9_.-]*)'/g)].map((q) => q[1]!)),
      ),
    );
    for (const t of sources) for (const m of t.matchAll(/\? '([a-z]+\.[a-z.]+(?:refused))'/g)) written.add(m[1]!);
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it("a BAD_INPUT from the core is worded in the user's language from its codes, never with the Spanish prefix", () => {
    const tEn = (k: string, v?: Record<string, string | number>) => translate('en', k, v);
    const tEs = (k: string, v?: Record<string, string | number>) => translate('es', k, v);
    const error = {
      code: 'BAD_INPUT',
      message: 'Datos no válidos: name: Demasiado grande…',
      details: {
        issues: [
          { path: ['profile', 'name'], code: 'too_big', origin: 'string', maximum: 80, inclusive: true, message: 'Demasiado grande' },
          { path: ['profile', 'baseUrl'], code: 'custom', params: { code: 'INSECURE_URL' }, message: 'Use https://…' },
        ],
      },
    };
    const english = errorText(tEn, error);
    expect(english).toMatch(/^The data entered is not valid\. Name: Too big: expected string to have <=80 characters; Address: Use https/);
    expect(english).not.toMatch(/Datos|Demasiado|cifrar/);
    expect(errorText(tEs, error)).toMatch(/^Los datos ingresados no son válidos\. Nombre: Demasiado grande.*80.*; Dirección: Use https/);
    expect(issueText(tEn, { path: [], code: 'custom', params: { code: 'LOCK_AFTER_WARNING' }, message: 'El bloqueo…' })).toBe(
      'The lock must come after the warning.',
    );
  });
});
