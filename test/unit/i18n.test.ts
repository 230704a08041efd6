import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en.json';
import es from '../../src-renderer/i18n/es.json';

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
    expect([...used].filter((k) => !all.has(k))).toEqual([]);
  });
});
