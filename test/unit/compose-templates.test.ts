import { describe, expect, it } from 'vitest';
import { fillTemplate, placeholders, TemplateStore } from '../../src-main/core/compose/templates';

function memorySettings() {
  const m = new Map<string, unknown>();
  return { get: <T>(k: string) => m.get(k) as T | undefined, set: (k: string, v: unknown) => void m.set(k, v) };
}

describe('message templates', () => {
  it('finds placeholders once each, in order, with accents and spaces', () => {
    expect(placeholders('Expediente {{expediente}}', '<p>Estimado/a {{ nombre }}, {{expediente}} {{año}}</p>')).toEqual([
      'expediente',
      'nombre',
      'año',
    ]);
  });
  it('fills values, escaping them in the body only, and leaves missing ones visible', () => {
    expect(fillTemplate('Exp. {{expediente}}', { expediente: 'A<1>' }, false)).toBe('Exp. A<1>');
    expect(fillTemplate('<p>{{nombre}} {{falta}}</p>', { nombre: 'Ana <b>&' }, true)).toBe('<p>Ana &lt;b&gt;&amp; {{falta}}</p>');
  });
  it('stores templates with unique names and removes them', () => {
    const store = new TemplateStore(memorySettings());
    const a = store.save({ name: 'Citación', subject: 'Citación {{expediente}}', body: '<p>Hola {{nombre}}</p>' });
    expect(() => store.save({ name: 'citación', subject: '', body: '' })).toThrow(/Ya existe/);
    const b = store.save({ id: a.id, name: 'Citación', subject: 'Nueva', body: '' });
    expect(store.list()).toEqual([expect.objectContaining({ id: a.id, subject: 'Nueva' })]);
    expect(store.remove(b.id)).toBe(true);
    expect(store.list()).toEqual([]);
  });
});
