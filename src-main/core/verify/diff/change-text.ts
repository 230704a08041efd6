/**
 * The words for a change, in Spanish (default) and English, from its code and parameters: what a person reads
 * ("Se agregó la firma del campo «VoBo2»"), object numbers left to the details.
 */
import type { ChangeKind, ChangeParams } from './types';

type Lang = 'es' | 'en';

const page = (p: ChangeParams, lang: Lang): string =>
  p.page !== undefined ? (lang === 'es' ? ` de la página ${p.page}` : ` of page ${p.page}`) : '';
const field = (p: ChangeParams): string => (p.field ? ` «${p.field}»` : '');
const onPage = (p: ChangeParams, lang: Lang): string =>
  p.page !== undefined ? (lang === 'es' ? ` en la página ${p.page}` : ` on page ${p.page}`) : '';

const texts: Record<ChangeKind, Record<Lang, (p: ChangeParams) => string>> = {
  structure: { es: () => 'Se actualizó la tabla de referencias.', en: () => 'The cross-reference table was updated.' },
  info: {
    es: () => 'Se actualizó el diccionario de información (metadatos).',
    en: () => 'The document information dictionary (metadata) was updated.',
  },
  metadata: { es: () => 'Se actualizaron los metadatos XMP del documento.', en: () => 'The document XMP metadata was updated.' },
  dss: { es: () => 'Se agregaron datos de validación (DSS).', en: () => 'Validation data (DSS) was added.' },
  extensions: { es: () => 'Se declaró la versión o las extensiones del PDF.', en: () => 'The PDF version or extensions were declared.' },
  'signature-added': { es: (p) => `Se agregó la firma del campo${field(p)}.`, en: (p) => `A signature was added in field${field(p)}.` },
  'timestamp-added': {
    es: (p) => `Se agregó un sello de tiempo del documento${field(p) ? ` (campo${field(p)})` : ''}.`,
    en: (p) => `A document timestamp was added${field(p) ? ` (field${field(p)})` : ''}.`,
  },
  'field-filled': { es: (p) => `Se llenó el campo${field(p)}.`, en: (p) => `Field${field(p)} was filled in.` },
  appearance: {
    es: (p) => `Se cambió la apariencia del campo${field(p)}${p.detail ? ` (${p.detail})` : ''}.`,
    en: (p) => `The appearance of field${field(p)} changed${p.detail ? ` (${p.detail})` : ''}.`,
  },
  'form-resources': { es: () => 'Se agregaron fuentes o recursos al formulario.', en: () => 'Fonts or resources were added to the form.' },
  'form-flags': { es: () => 'Se actualizaron los indicadores del formulario.', en: () => 'The form flags were updated.' },
  'annotation-added': {
    es: (p) => `Se agregó una anotación (${p.subtype ?? '?'})${onPage(p, 'es')}.`,
    en: (p) => `An annotation (${p.subtype ?? '?'}) was added${onPage(p, 'en')}.`,
  },
  'annotation-modified': {
    es: (p) => `Se modificaron las anotaciones${page(p, 'es')}.`,
    en: (p) => `The annotations${page(p, 'en')} were modified.`,
  },
  'annotation-removed': {
    es: (p) => `Se quitó una anotación (${p.subtype ?? '?'})${page(p, 'es')}.`,
    en: (p) => `An annotation (${p.subtype ?? '?'}) was removed${page(p, 'en')}.`,
  },
  'struct-tree': {
    es: (p) => `Se actualizó la estructura lógica (etiquetas) del documento${p.detail ? ` (${p.detail})` : ''}.`,
    en: (p) => `The logical structure (tags) was updated${p.detail ? ` (${p.detail})` : ''}.`,
  },
  outline: { es: () => 'Se modificaron los marcadores del documento.', en: () => 'The bookmarks were modified.' },
  'tab-order': { es: (p) => `Se cambió el orden de tabulación${page(p, 'es')}.`, en: (p) => `The tab order${page(p, 'en')} changed.` },
  'signature-modified': {
    es: (p) => `Se modificó la firma ya hecha del campo${field(p)}.`,
    en: (p) => `The existing signature in field${field(p)} was modified.`,
  },
  'field-definition': {
    es: (p) => `Se modificó la definición del formulario${field(p)}${p.detail ? ` (${p.detail})` : p.key ? ` (/${p.key})` : ''}.`,
    en: (p) => `The form definition${field(p)} was modified${p.detail ? ` (${p.detail})` : p.key ? ` (/${p.key})` : ''}.`,
  },
  'page-content': { es: (p) => `Se modificó el contenido${page(p, 'es')}.`, en: (p) => `The content${page(p, 'en')} was modified.` },
  'page-resources': {
    es: (p) => `Se modificaron los recursos (fuentes, imágenes)${page(p, 'es')}.`,
    en: (p) => `The resources (fonts, images)${page(p, 'en')} were modified.`,
  },
  'page-tree': { es: () => 'Se reescribió el árbol de páginas.', en: () => 'The page tree was rewritten.' },
  catalog: {
    es: (p) => `Se reescribió el catálogo del documento${p.key ? ` (/${p.key})` : ''}.`,
    en: (p) => `The document catalog was rewritten${p.key ? ` (/${p.key})` : ''}.`,
  },
  'object-added': {
    es: (p) => `Se agregó un objeto usado fuera de lo permitido (${p.object ?? '?'}).`,
    en: (p) => `An object used outside what is allowed was added (${p.object ?? '?'}).`,
  },
  'object-changed': {
    es: (p) => `Se modificó un objeto que la versión firmada usa en ${p.detail ?? '?'}.`,
    en: (p) => `An object the signed version uses at ${p.detail ?? '?'} was modified.`,
  },
  'object-removed': {
    es: (p) => `Se eliminó un objeto que la versión firmada usa en ${p.detail ?? '?'}.`,
    en: (p) => `An object the signed version uses at ${p.detail ?? '?'} was removed.`,
  },
  unanalysable: {
    es: (p) => `No se pudo analizar la actualización${p.detail ? ` (${p.detail})` : ''}.`,
    en: (p) => `The update could not be analysed${p.detail ? ` (${p.detail})` : ''}.`,
  },
};

export function changeText(kind: ChangeKind, params: ChangeParams, lang: Lang = 'es'): string {
  return texts[kind][lang](params);
}
