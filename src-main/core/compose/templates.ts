import crypto from 'node:crypto';
import { AppError } from '../../api/result';

export type MessageTemplate = { id: string; name: string; subject: string; body: string; updatedAt: string };

/** `{{nombre}}`, `{{ expediente }}`: letters, digits and underscores, accents allowed. */
const PLACEHOLDER = /\{\{\s*([\p{L}\p{N}_]{1,40})\s*\}\}/gu;

/** The distinct placeholder names of a subject and body, in order of appearance. */
export function placeholders(...texts: string[]): string[] {
  const seen: string[] = [];
  for (const t of texts) for (const m of t.matchAll(PLACEHOLDER)) if (!seen.includes(m[1]!)) seen.push(m[1]!);
  return seen;
}

/**
 * Replaces placeholders with values; the values are text, so they are HTML-escaped when they go into the body.
 * A placeholder without a value is left as it is, so the preview shows what is still missing.
 */
export function fillTemplate(text: string, values: Record<string, string>, html: boolean): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = values[name];
    if (v === undefined || v === '') return whole;
    return html ? v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;') : v;
  });
}

export const MAX_TEMPLATES = 200;

/** Templates live in the settings table as one list: few, small, and edited by one user. */
export class TemplateStore {
  constructor(private readonly settings: { get<T>(key: string): T | undefined; set(key: string, value: unknown): void }) {}

  list(): MessageTemplate[] {
    return (this.settings.get<MessageTemplate[]>('compose.templates') ?? []).sort((a, b) => a.name.localeCompare(b.name, 'es'));
  }

  save(input: { id?: string | undefined; name: string; subject: string; body: string }): MessageTemplate {
    const all = this.list();
    const t: MessageTemplate = {
      id: input.id ?? crypto.randomUUID(),
      name: input.name.trim(),
      subject: input.subject,
      body: input.body,
      updatedAt: new Date().toISOString(),
    };
    if (!t.name) throw new AppError('BAD_INPUT', 'La plantilla necesita un nombre.');
    const others = all.filter((x) => x.id !== t.id);
    if (others.some((x) => x.name.toLowerCase() === t.name.toLowerCase()))
      throw new AppError('TEMPLATE_EXISTS', `Ya existe una plantilla llamada «${t.name}».`);
    if (others.length >= MAX_TEMPLATES) throw new AppError('TEMPLATE_LIMIT', `Se admiten hasta ${MAX_TEMPLATES} plantillas.`);
    this.settings.set('compose.templates', [...others, t]);
    return t;
  }

  remove(id: string): boolean {
    const all = this.list();
    const rest = all.filter((x) => x.id !== id);
    this.settings.set('compose.templates', rest);
    return rest.length !== all.length;
  }
}
