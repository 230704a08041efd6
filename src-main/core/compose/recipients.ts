import { formatRun, parseDni, parseRuc, parseRun, type IdentifierProblem } from '../casilla/identifiers';

/** A recipient as the platform addresses it (`rol_unico`) and as the official reads it. */
export type Recipient = { rolUnico: number; label: string; kind: 'RUN' | 'DNI' | 'RUC' };

export type RecipientProblem = {
  line: number;
  input: string;
  code: 'RUN_CHECK_DIGIT' | 'FORMAT' | 'RANGE' | 'RUC_PREFIX' | 'RUC_CHECK_DIGIT' | 'RUC_NOT_PERSON';
  message: string;
};

export type RecipientParse = { recipients: Recipient[]; problems: RecipientProblem[]; duplicates: number };

/**
 * Reads one identifier as typed: a RUN/RUT always carries its check digit ("12.345.678-5", "12345678-5",
 * "123456785"); eight plain digits are a DNI; eleven are a RUC. The platform addresses a person by one
 * number (`rol_unico`): the RUN body, the DNI, or for a person's RUC (prefix 10) the DNI inside it. A company
 * RUC has no `rol_unico` and is refused with that reason.
 */
export function parseRecipient(input: string, line = 0, name?: string): Recipient | RecipientProblem {
  const text = input.trim().replace(/\s+/g, '');
  const withName = (label: string) => (name ? `${name} (${label})` : label);
  if (/^\d{8}$/.test(text)) {
    const dni = parseDni(text);
    if (dni.ok && Number(dni.value) >= 1) return { rolUnico: Number(dni.value), label: withName(`DNI ${dni.value}`), kind: 'DNI' };
  }
  if (/^\d{11}$/.test(text)) {
    const ruc = parseRuc(text);
    if (!ruc.ok) {
      return ruc.problem === 'prefix'
        ? { line, input, code: 'RUC_PREFIX', message: 'RUC con prefijo no válido (10, 15, 17 o 20).' }
        : { line, input, code: 'RUC_CHECK_DIGIT', message: 'RUC con dígito verificador incorrecto.' };
    }
    if (!ruc.value.startsWith('10'))
      return {
        line,
        input,
        code: 'RUC_NOT_PERSON',
        message: 'La casilla notifica a personas: un RUC de empresa no tiene casilla; use el DNI o RUN de su representante.',
      };
    const dni = ruc.value.slice(2, 10);
    return { rolUnico: Number(dni), label: withName(`RUC ${ruc.value}`), kind: 'RUC' };
  }
  const run = parseRun(text);
  if (run.ok) return { rolUnico: run.value.body, label: withName(`RUN ${formatRun(run.value.body)}`), kind: 'RUN' };
  return { line, input, ...problemOf(run.problem) };
}

function problemOf(problem: IdentifierProblem): Pick<RecipientProblem, 'code' | 'message'> {
  switch (problem) {
    case 'check-digit':
      return { code: 'RUN_CHECK_DIGIT', message: 'RUN/RUT con dígito verificador incorrecto.' };
    case 'range':
      return { code: 'RANGE', message: 'Número fuera de rango (RUN hasta 99.999.999).' };
    default:
      return { code: 'FORMAT', message: 'No es un RUN/RUT (con dígito verificador), DNI (8 dígitos) ni RUC (11 dígitos).' };
  }
}

export function isProblem(r: Recipient | RecipientProblem): r is RecipientProblem {
  return 'code' in r;
}

/** Typed or pasted text: one identifier per line, or separated by commas, semicolons or spaces. */
export function parseRecipientList(text: string): RecipientParse {
  const items: { line: number; input: string }[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    for (const part of lineText.split(/[,;\t ]+/)) if (part.trim()) items.push({ line: i + 1, input: part.trim() });
  });
  return collect(items.map((it) => parseRecipient(it.input, it.line)));
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
