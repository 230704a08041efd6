/**
 * Conformance run: verifies every file of `../shared/corpus/verify/manifest.tsv` (relative to the repository
 * root, read at run time; the files are never copied into the project) offline and without trust roots, maps
 * each report to a class and prints how often we agree with the publisher's own test.
 *
 *   npm run conformance:verify                      (all files)
 *   npm run conformance:verify -- --filter DSS-2    (only paths containing the text)
 *   npm run conformance:verify -- --json out.json   (also write every row as JSON)
 *   npm run conformance:verify -- --corpus DIR --jobs 2 --timeout 30
 *
 * Classes: clean = every signature intact, coverage normal, nothing disallowed after it; attack = some signature
 * not intact, anomalous coverage or a disallowed modification; unreadable = we refuse the file. `unsupported` is
 * our own answer when a signature uses an algorithm we cannot check (it agrees with no class). Unscored files are
 * run and listed, not scored. Each file runs in its own child process with a time and memory limit, so a hang or
 * a crash is a recorded failure, not a stuck run.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../src-main/api/result';
import type { FileReport } from '../src-main/api/verify';
import { buildTrustStore } from '../src-main/core/verify/trust';
import { verifyPdf } from '../src-main/core/verify/verify-pdf';

type Klass = 'clean' | 'attack' | 'unreadable' | 'unsupported' | 'failed';
type Outcome = { klass: Klass; reason: string; ms: number };
type Row = { path: string; expected: string; source: string; evidence: string } & Outcome;

const MEMORY_MB = 1536;

/** Our class for one report, and the first reason that decided it. */
export function classify(report: FileReport): { klass: Klass; reason: string } {
  if (report.signatures.length === 0) return { klass: 'unreadable', reason: 'sin firmas' };
  const attacks: string[] = [];
  const unsupported: string[] = [];
  for (const [i, s] of report.signatures.entries()) {
    const who = `firma ${i + 1} (${s.field}, rev ${s.revision})`;
    const unsup = [...s.reasons, ...s.notes].find((r) => r.code === 'ALGORITHM_UNSUPPORTED');
    if (!s.intact && unsup) unsupported.push(`${who}: ${unsup.message}`);
    else if (!s.intact) {
      const r = s.reasons.find((x) => x.code === 'DIGEST_MISMATCH' || x.code === 'SIGNATURE_INVALID' || x.code === 'CMS_UNREADABLE');
      const detail = s.notes.filter((x) => x.code === 'CMS_DETAIL' || x.code === 'TIMESTAMP_DETAIL').map((x) => x.message);
      attacks.push(`${who}: no íntegra: ${r?.message ?? ''} ${detail.join(' ')}`.trim());
    }
    if (s.coverage === 'anomalous') {
      const detail = s.notes.filter((x) => x.code === 'COVERAGE_DETAIL').map((x) => x.message);
      attacks.push(`${who}: cobertura anómala: ${detail.join(' ')}`);
    }
    if (s.modificationsAfter === 'disallowed') {
      const bad = s.changes.filter((c) => !c.allowed).slice(0, 3);
      attacks.push(`${who}: cambios no permitidos: ${bad.map((c) => `[r${c.revision} ${c.object}] ${c.message}`).join('; ')}`);
    }
  }
  if (attacks.length) return { klass: 'attack', reason: attacks.join(' | ') };
  if (unsupported.length) return { klass: 'unsupported', reason: unsupported.join(' | ') };
  return { klass: 'clean', reason: `${report.signatures.length} firma(s) íntegras` };
}

async function runOne(file: string): Promise<void> {
  const t0 = Date.now();
  let out: Omit<Outcome, 'ms'>;
  try {
    const report = await verifyPdf(file, { trust: buildTrustStore({}), online: false });
    out = classify(report);
  } catch (err: unknown) {
    if (err instanceof AppError) out = { klass: 'unreadable', reason: `${err.code}: ${err.message}` };
    else out = { klass: 'failed', reason: `excepción: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` };
  }
  process.stdout.write(`${JSON.stringify({ ...out, ms: Date.now() - t0 })}\n`);
}

function findRoot(): string {
  let dir = process.cwd();
  for (let i = 0; i < 10; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'casilla-desktop') return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('No se encontró la raíz del repositorio (package.json de casilla-desktop) desde la carpeta actual.');
}

function child(file: string, timeoutMs: number): Promise<Outcome> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${MEMORY_MB}`, __filename, '--one', file],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const ms = Date.now() - t0;
        const line = stdout.trim().split('\n').pop() ?? '';
        if (line.startsWith('{')) {
          try {
            return resolve(JSON.parse(line) as Outcome);
          } catch {
            // fall through to the failure below
          }
        }
        const killed = err && (err as NodeJS.ErrnoException & { killed?: boolean }).killed;
        const why = killed
          ? `sin respuesta en ${timeoutMs / 1000} s (proceso terminado)`
          : `el proceso terminó sin resultado (${err?.message ?? 'sin salida'}) ${stderr.trim().split('\n').slice(-2).join(' ')}`;
        resolve({ klass: 'failed', reason: why, ms });
      },
    );
  });
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const one = arg('--one');
  if (one) return runOne(one);

  const corpus = path.resolve(arg('--corpus') ?? path.join(findRoot(), '..', 'shared', 'corpus', 'verify'));
  const manifest = path.join(corpus, 'manifest.tsv');
  if (!fs.existsSync(manifest)) throw new Error(`No existe ${manifest}: la carpeta shared/ debe estar junto al repositorio.`);
  const filter = arg('--filter');
  const jobs = Math.max(1, Number(arg('--jobs') ?? 2));
  const timeoutMs = Math.max(1, Number(arg('--timeout') ?? 60)) * 1000;
  const lines = fs.readFileSync(manifest, 'utf8').split('\n').slice(1).filter(Boolean);
  const entries = lines
    .map((l) => {
      const [p = '', expected = '', source = '', evidence = ''] = l.split('\t');
      return { path: p, expected, source, evidence };
    })
    .filter((e) => !filter || e.path.includes(filter));

  const rows: Row[] = new Array(entries.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, entries.length) }, async () => {
      for (;;) {
        const i = next++;
        const e = entries[i];
        if (!e) return;
        const out = await child(path.join(corpus, e.path), timeoutMs);
        rows[i] = { ...e, ...out };
        done++;
        if (process.stderr.isTTY) process.stderr.write(`\r${done}/${entries.length}`);
      }
    }),
  );
  if (process.stderr.isTTY) process.stderr.write('\r');

  const scored = rows.filter((r) => r.expected !== 'unscored');
  const agree = (r: Row) => r.klass === r.expected;
  const table = (key: (r: Row) => string) => {
    const groups = new Map<string, Row[]>();
    for (const r of scored) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
    return [...groups.entries()].sort().map(([k, rs]) => `  ${k.padEnd(22)} ${String(rs.filter(agree).length).padStart(4)}/${rs.length}`);
  };
  const ok = scored.filter(agree).length;
  const lines2: string[] = [];
  lines2.push(`Conformidad de la verificación: ${corpus}`);
  lines2.push(`Archivos: ${rows.length} (puntuados ${scored.length}, sin puntuar ${rows.length - scored.length})`);
  lines2.push('Por clase esperada (coinciden/total):', ...table((r) => r.expected));
  lines2.push('Por fuente:', ...table((r) => r.source));
  lines2.push('Nuestra clase en los puntuados:');
  const ours = new Map<string, number>();
  for (const r of scored) ours.set(`${r.expected} -> ${r.klass}`, (ours.get(`${r.expected} -> ${r.klass}`) ?? 0) + 1);
  for (const [k, n] of [...ours.entries()].sort()) lines2.push(`  ${k.padEnd(26)} ${n}`);
  lines2.push(`Acuerdo: ${ok}/${scored.length} = ${scored.length ? ((100 * ok) / scored.length).toFixed(1) : '0.0'}%`);
  const slow = rows.reduce((m, r) => Math.max(m, r.ms), 0);
  lines2.push(
    `Tiempo máximo por archivo: ${(slow / 1000).toFixed(1)} s; fallos de proceso: ${rows.filter((r) => r.klass === 'failed').length}`,
  );
  lines2.push('', 'Desacuerdos:');
  for (const r of scored.filter((x) => !agree(x))) lines2.push(`  [${r.expected} -> ${r.klass}] ${r.path}\n      ${r.reason}`);
  lines2.push('', 'Sin puntuar (resultado informativo):');
  for (const r of rows.filter((x) => x.expected === 'unscored')) lines2.push(`  [${r.klass}] ${r.path}\n      ${r.reason}`);
  process.stdout.write(`${lines2.join('\n')}\n`);
  const jsonOut = arg('--json');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(rows, null, 1));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
