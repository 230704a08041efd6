/**
 * Start-up phases for profiling: with `CASILLA_TRACE=1` every `traceMark(name)` records the time since the
 * process started and the CPU (user + system) used so far, and at exit a table goes to stderr. Off, a mark is one
 * comparison. The marks live on `globalThis`, so the CLI's launcher and the command bundle it loads (separate
 * bundles, separate module copies) add to one table.
 */
type Mark = { name: string; at: number; cpu: number };

const KEY = Symbol.for('casilla.trace');
const enabled = process.env.CASILLA_TRACE === '1';

export function traceMark(name: string): void {
  if (!enabled) return;
  const g = globalThis as unknown as Record<symbol, Mark[] | undefined>;
  let marks = g[KEY];
  if (!marks) {
    marks = g[KEY] = [];
    process.once('exit', () => printTrace(marks ?? []));
  }
  const cpu = process.cpuUsage();
  marks.push({ name, at: performance.now(), cpu: (cpu.user + cpu.system) / 1000 });
}

function printTrace(marks: Mark[]): void {
  traceMark('exit');
  const rows = marks.map((m, i) => {
    const prev = marks[i - 1];
    return [m.name, m.at.toFixed(1), (m.at - (prev?.at ?? 0)).toFixed(1), m.cpu.toFixed(1), (m.cpu - (prev?.cpu ?? 0)).toFixed(1)];
  });
  const head = ['phase (ends at)', 'wall ms', 'Δ wall', 'cpu ms', 'Δ cpu'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) => c.map((s, i) => (i === 0 ? s.padEnd(w[i]!) : s.padStart(w[i]!))).join('  ');
  process.stderr.write(['', line(head), ...rows.map(line), ''].join('\n'));
}
