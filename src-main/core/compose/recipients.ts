import type { RecipientProblemCode } from '../../api/compose';
import { ALL_IDENTIFIER_KINDS, IDENTIFIER_NAMES, type IdentifierKind } from '../casilla/backends';
import {
  compactIdentifier,
  dniCheckCharacters,
  formatRun,
  parseCe,
  parseDni,
  parseDniWithCheck,
  parseRuc,
  parseRun,
  runCheckDigit,
  type IdentifierProblem,
} from '../casilla/identifiers';

/** A recipient as the platform addresses it (`rol_unico`) and as the official reads it. */
export type Recipient = { rolUnico: number; label: string; kind: IdentifierKind; name?: string };

export type RecipientProblem = {
  line: number;
  input: string;
  code: RecipientProblemCode;
  /** Spanish, for logs and the CLI; the UI words `code` with `params`. */
  message: string;
  /** `accepted` (kinds the server takes, "RUN, DNI"), `expected` (the right check digit). */
  params?: { accepted?: string; expected?: string };
};

export type RecipientParse = { recipients: Recipient[]; problems: RecipientProblem[]; duplicates: number };

/** What the server accepts and how it is named in refusals (see core/casilla/backends.ts). */
export type RecipientRules = { accepts: readonly IdentifierKind[]; platform?: string };

const ANY: RecipientRules = { accepts: ALL_IDENTIFIER_KINDS };

/**
 * Reads one identifier as ONE token (spaces, dots and dashes inside it are separators of digits, never of
 * recipients): a RUN/RUT always carries its check digit ("12.345.678-5", "12 345 678 5", "123456785"); a DNI is
 * eight digits, optionally with its verification character ("40123456-5"); a RUC eleven digits; a CE nine.
 * Only the kinds the server accepts are taken; anything else is refused saying what it looks like and what the
 * server accepts (a Peruvian DNI offered to CasillaÚnica is not a RUN, even when its digits would make one).
 * The platform addresses a person by one number (`rol_unico`): the RUN body, the DNI, or for a person's RUC
 * (prefix 10) the DNI inside it. A company RUC has no `rol_unico` and is refused with that reason.
 */
export function parseRecipient(input: string, line = 0, name?: string, rules: RecipientRules = ANY): Recipient | RecipientProblem {
  const text = compactIdentifier(input);
  const typed = input.trim();
  const hasSeparators = /[.\-\u2010-\u2015\s]/.test(typed);
  const cleanName = name?.trim() || undefined;
  const make = (kind: IdentifierKind, rolUnico: number, label: string): Recipient => ({
    rolUnico,
    kind,
    label: cleanName ? `${cleanName} (${label})` : label,
    ...(cleanName ? { name: cleanName } : {}),
  });
  const accepts = (k: IdentifierKind) => rules.accepts.includes(k);
  const platform = rules.platform ?? 'este servidor';
  const accepted = () => rules.accepts.map((k) => IDENTIFIER_NAMES[k]).join(', ');
  const notAccepted = (what: string): RecipientProblem => ({
    line,
    input,
    code: 'NOT_ACCEPTED',
    message: `${what}; ${platform} solo acepta ${accepted()}.`,
    params: { accepted: rules.accepts.join(', ') },
  });

  // What the token could be, each tried only when the server accepts that kind.
  const run = parseRun(text);
  const plainDni = /^\d{8}$/.test(text) && !/[.]/.test(typed) ? parseDni(text) : null;
  const dniCheck = /^\d{8}[0-9A-K]$/.test(text) ? parseDniWithCheck(text) : null;
  const isRuc = /^\d{11}$/.test(text);

  if (accepts('DNI') && plainDni?.ok && !hasSeparators && Number(plainDni.value) >= 1)
    return make('DNI', Number(plainDni.value), `DNI ${plainDni.value}`);
  if (isRuc && accepts('RUC')) return rucRecipient(text, line, input, make);
  if (accepts('RUN') && run.ok) return make('RUN', run.value.body, `RUN ${formatRun(run.value.body)}`);
  if (accepts('DNI') && dniCheck?.ok) return make('DNI', Number(dniCheck.value), `DNI ${dniCheck.value}`);
  if (accepts('CE') && /^\d{9}$/.test(typed)) {
    const ce = parseCe(typed);
    if (ce.ok) return make('CE', Number(ce.value), `CE ${ce.value}`);
  }

  // Refusals, most specific first.
  if (isRuc) {
    const ruc = parseRuc(text);
    return ruc.ok
      ? notAccepted(`«${typed}» es un RUC peruano, no un ${accepts('RUN') ? 'RUN' : 'identificador admitido'}`)
      : rucProblem(ruc.problem, line, input);
  }
  if (!accepts('DNI') && dniCheck?.ok && !run.ok)
    return notAccepted(`«${typed}» es un DNI peruano con su dígito de verificación, y un DNI no es un RUN`);
  if (!accepts('DNI') && plainDni?.ok && !hasSeparators)
    return notAccepted(`«${typed}» parece un DNI peruano (8 dígitos, sin dígito verificador de RUN), y un DNI no es un RUN`);
  if (!accepts('RUN') && run.ok) return notAccepted(`«${typed}» es un RUN chileno`);
  if (accepts('DNI') && dniCheck && !dniCheck.ok && /^\d{8}[-\s]?[0-9A-K]$/i.test(typed) && !accepts('RUN'))
    return {
      line,
      input,
      code: 'DNI_CHECK_DIGIT',
      message: `DNI con dígito de verificación incorrecto (para ${text.slice(0, 8)} es ${dniHint(text)}).`,
      params: { expected: `${dniCheckCharacters(text.slice(0, 8)).digit}/${dniCheckCharacters(text.slice(0, 8)).letter}` },
    };
  if (accepts('RUN') && !run.ok && run.problem === 'check-digit') {
    const body = Number(text.slice(0, -1));
    const dniHintText =
      !accepts('DNI') && /^\d{8}$/.test(text.slice(0, -1))
        ? ' Si es un DNI peruano: un DNI no es un RUN, y ' + `${platform} solo acepta ${accepted()}.`
        : '';
    return {
      line,
      input,
      code: 'RUN_CHECK_DIGIT',
      message: `RUN/RUT con dígito verificador incorrecto (${formatRun(body).replace(/-.$/, '')} lleva ${runCheckDigit(body)}).${dniHintText}`,
      params: { expected: String(runCheckDigit(body)) },
    };
  }
  return { line, input, ...problemOf(run.ok ? 'format' : run.problem, rules) };
}

function dniHint(text: string): string {
  const c = dniCheckCharacters(text.slice(0, 8));
  return `${c.digit} o ${c.letter}`;
}

function rucRecipient(
  text: string,
  line: number,
  input: string,
  make: (kind: IdentifierKind, rolUnico: number, label: string) => Recipient,
): Recipient | RecipientProblem {
  const ruc = parseRuc(text);
  if (!ruc.ok) return rucProblem(ruc.problem, line, input);
  if (!ruc.value.startsWith('10'))
    return {
      line,
      input,
      code: 'RUC_NOT_PERSON',
      message: 'La casilla notifica a personas: un RUC de empresa no tiene casilla; use el DNI o RUN de su representante.',
    };
  return make('RUC', Number(ruc.value.slice(2, 10)), `RUC ${ruc.value}`);
}

function rucProblem(problem: IdentifierProblem, line: number, input: string): RecipientProblem {
  return problem === 'prefix'
    ? { line, input, code: 'RUC_PREFIX', message: 'RUC con prefijo no válido (10, 15, 17 o 20).' }
    : { line, input, code: 'RUC_CHECK_DIGIT', message: 'RUC con dígito verificador incorrecto.' };
}

function problemOf(problem: IdentifierProblem, rules: RecipientRules): Pick<RecipientProblem, 'code' | 'message' | 'params'> {
  switch (problem) {
    case 'range':
      return { code: 'RANGE', message: 'Número fuera de rango (RUN hasta 99.999.999).' };
    default: {
      const kinds = rules.accepts.map((k) => IDENTIFIER_NAMES[k]).join(', ');
      return { code: 'FORMAT', message: `No es un identificador admitido (${kinds}).`, params: { accepted: rules.accepts.join(', ') } };
    }
  }
}

export function isProblem(r: Recipient | RecipientProblem): r is RecipientProblem {
  return 'code' in r;
}

/**
 * Typed or pasted text: one identifier per line, or several separated by commas, semicolons or tabs. Spaces
 * never separate recipients: "12 345 678 5" is one RUN, not three numbers.
 */
export function parseRecipientList(text: string, rules: RecipientRules = ANY): RecipientParse {
  const items: { line: number; input: string }[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    for (const part of lineText.split(/[,;\t]+/)) if (part.trim()) items.push({ line: i + 1, input: part.trim() });
  });
  return collect(items.map((it) => parseRecipient(it.input, it.line, undefined, rules)));
}

/** Keeps valid recipients in order, merging duplicates (same `rol_unico`); problems are kept by line. */
export function collect(results: (Recipient | RecipientProblem)[]): RecipientParse {
  const seen = new Map<number, Recipient>();
  const problems: RecipientProblem[] = [];
  let duplicates = 0;
  for (const r of results) {
    if (isProblem(r)) problems.push(r);
    else if (seen.has(r.rolUnico)) duplicates++;
    else seen.set(r.rolUnico, r);
  }
  return { recipients: [...seen.values()], problems, duplicates };
}
