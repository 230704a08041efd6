/**
 * The words of a visible stamp: role defaults ("Firmado digitalmente por", "V°B°"), a template with fields
 * `{name} {id} {role} {reason} {place} {date}`, and the signing date formatted with its time zone.
 */
import type { CertificateSummary } from './certificate-summary';
import { zonedParts } from '../zoned-time';

export type SignRole = 'firma' | 'visto-bueno';

export const ROLE_TITLES: Record<SignRole, string> = {
  firma: 'Firmado digitalmente por:',
  'visto-bueno': 'V°B°',
};

export const DEFAULT_TEMPLATES: Record<SignRole, string> = {
  firma: '{name}\n{id}\n{role}\nMotivo: {reason}\n{place}\nFecha: {date}',
  'visto-bueno': '{name}\n{id}\n{role}\nMotivo: {reason}\nFecha: {date}',
};

/**
 * The stamp Peruvian officials expect (Firma Perú): the name, `FAU <RUC>` or `FIR <DNI>` when the certificate
 * carries it, reason, role and "Fecha: dd.mm.aaaa hh:mm:ss -05:00".
 */
export const PERU_TEMPLATE = '{name}\n{fau}\nMotivo: {reason}\n{role}\nFecha: {date}';

export type StampValues = { name: string; id: string; role: string; reason: string; place: string; date: string; fau: string };

export type DateStyle = 'slash' | 'dot';

/**
 * `FAU 20123456789` for a certificate issued to someone on behalf of an organisation (its RUC), `FIR 12345678`
 * for a person's own certificate (the DNI). Peruvian certificates often write it in the CN already
 * ("… FAU 20123456789 soft"): that text wins.
 */
export function peruvianSignerId(summary: CertificateSummary): string {
  const inName = /\b(FAU|FIR)\s+(\d{8,11})\b/.exec(summary.name);
  if (inName) return `${inName[1]} ${inName[2]}`;
  if (summary.nationalId?.kind === 'RUC') return `FAU ${summary.nationalId.number}`;
  if (summary.nationalId?.kind === 'DNI') return `FIR ${summary.nationalId.number}`;
  return '';
}

/** "dd/mm/aaaa hh:mm:ss -05:00" (or dd.mm.aaaa with `dot`) in the given IANA zone (the machine's when omitted). */
export function formatSigningDate(d: Date, timeZone?: string, style: DateStyle = 'slash'): string {
  const sep = style === 'dot' ? '.' : '/';
  // The machine's zone is Date's own local time: the first Intl.DateTimeFormat of a process costs tens of ms.
  if (!timeZone) return localDate(d, sep);
  const z = zonedParts(d, timeZone);
  return `${z.day}${sep}${z.month}${sep}${z.year} ${z.hour}:${z.minute}:${z.second} ${z.offset}`;
}

function localDate(d: Date, sep: string): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const abs = Math.abs(offset);
  const zone = `${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
  const date = [two(d.getDate()), two(d.getMonth() + 1), String(d.getFullYear()).padStart(4, '0')].join(sep);
  return `${date} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${zone}`;
}

export function stampValues(
  summary: CertificateSummary,
  opts: { role?: string; reason?: string; place?: string; date: Date; timeZone?: string; dateStyle?: DateStyle },
): StampValues {
  const id = summary.nationalId
    ? `${summary.nationalId.kind === 'OTRO' ? 'ID' : summary.nationalId.kind}: ${summary.nationalId.number}`
    : '';
  return {
    name: summary.name,
    id,
    role: opts.role ?? '',
    reason: opts.reason ?? '',
    place: opts.place ?? '',
    date: formatSigningDate(opts.date, opts.timeZone, opts.dateStyle),
    fau: peruvianSignerId(summary),
  };
}

/** Fills the template; a line whose fields are all empty is dropped, so a missing reason leaves no "Motivo:". */
export function fillTemplate(template: string, values: StampValues): string[] {
  const out: string[] = [];
  for (const line of template.split('\n')) {
    const fields = [...line.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
    const filled = line.replace(/\{(\w+)\}/g, (_m, key: string) => (key in values ? values[key as keyof StampValues] : ''));
    if (fields.length > 0 && fields.every((k) => !(k in values) || values[k as keyof StampValues] === '')) continue;
    out.push(filled.trim());
  }
  return out.filter((l) => l.length > 0);
}

/** Initials for the small visa stamp on every page: "V°B° JPQ". */
export function initialsOf(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0] ?? '')
    .join('')
    .toUpperCase()
    .slice(0, 5);
}
