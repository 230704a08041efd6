/**
 * npm run bench:outbox — prints: time to queue 10,000 messages; list/filter latency with 100,000 messages; and
 * delivered messages per second against the sandbox's rate limit (6/s) with 10% faults. Numbers, not asserts.
 * Progress goes to stderr as it runs (every 1,000 queued, every 10,000 inserted, each list measure, and the
 * delivery phase's states every 5 s); the delivery phase stops after BENCH_SEND_TIMEOUT_S (default 600) and
 * prints what was left and why instead of waiting forever.
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { queueNotification } from '../../src-main/core/compose/composer';
import { parseRecipient, type Recipient } from '../../src-main/core/compose/recipients';
import { openCore } from '../../src-main/core/context';
import { AttachmentStore } from '../../src-main/core/outbox/attachment-store';
import { OutboxRepository, type NewOutboxMessage } from '../../src-main/core/outbox/outbox-repository';
import { OutboxSender } from '../../src-main/core/outbox/outbox-sender';
import { startSandbox } from '../../src-main/sandbox';
import { clientFactory } from '../../src-main/services/backends';
import { tempDir } from '../helpers/temp-home';

const QUEUE_N = Number(process.env.BENCH_QUEUE ?? 10_000);
const LIST_N = Number(process.env.BENCH_ROWS ?? 100_000);
const SEND_N = Number(process.env.BENCH_SEND ?? 90);
const RATE = 6;
const SEND_TIMEOUT_MS = Number(process.env.BENCH_SEND_TIMEOUT_S ?? 600) * 1000;

const benchStart = performance.now();
function progress(text: string): void {
  process.stderr.write(`[bench ${((performance.now() - benchStart) / 1000).toFixed(1)} s] ${text}\n`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function timeIt(fn: () => void, runs = 15, label?: string): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  if (label) progress(`${label}: median ${median(xs).toFixed(2)} ms of ${runs}`);
  return median(xs);
}

async function main() {
  const rows: [string, string, string][] = [];
  const who = parseRecipient('33333333-3') as Recipient;
  const target = { profileId: 'cli', backendUrl: 'http://127.0.0.1:9', clientId: 'bench' };

  progress(`queue ${QUEUE_N}, list ${LIST_N}, send ${SEND_N}`);
  // 1. Queue 10,000 messages through the composer (rules, sanitizer, one transaction each, synchronous=FULL).
  {
    const home = tempDir('casilla-bench-');
    const core = openCore({ home: home.dir, shell: 'cli' });
    const deps = { repo: new OutboxRepository(core.db, core.audit), store: new AttachmentStore(core.home) };
    const t = performance.now();
    for (let i = 0; i < QUEUE_N; i++) {
      await queueNotification(deps, target, {
        messageType: 'CP',
        subject: `Mensaje ${i}`,
        content: `<p>Contenido ${i}</p>`,
        groups: [{ recipients: [who], attachments: [] }],
      });
      if ((i + 1) % 1000 === 0) progress(`queued ${i + 1}/${QUEUE_N}`);
    }
    const ms = performance.now() - t;
    rows.push([`queue ${QUEUE_N} messages`, `${(ms / 1000).toFixed(2)} s`, `${((ms * 1000) / QUEUE_N).toFixed(0)} µs/message`]);
    progress('closing the core (waits for the audit seal)');
    await core.close();
    home.cleanup();
  }

  // 2. List and filter with 100,000 messages (bulk-inserted, 1,000 per transaction).
  {
    const home = tempDir('casilla-bench-');
    const core = openCore({ home: home.dir, shell: 'cli' });
    const repo = new OutboxRepository(core.db, core.audit);
    const words = ['resolución', 'multa', 'citación', 'audiencia', 'permiso', 'patente', 'sumario', 'licencia'];
    for (let start = 0; start < LIST_N; start += 1000) {
      const batch: NewOutboxMessage[] = [];
      for (let i = start; i < Math.min(LIST_N, start + 1000); i++) {
        batch.push({
          id: crypto.randomUUID(),
          envioId: crypto.randomUUID(),
          profileId: 'cli',
          backendUrl: target.backendUrl,
          clientId: 'bench',
          messageType: (['NT', 'CP', 'CI'] as const)[i % 3]!,
          procedureCode: i % 3 === 0 ? `P${i % 50}` : null,
          procedureStage: i % 3 === 0 ? 1 : null,
          subject: `${words[i % words.length]} ${i} ${words[(i * 7) % words.length]}`,
          dataJson: '{}',
          payloadSha256: '',
          recipients: [{ rolUnico: 10_000_000 + (i % 5000), label: 'x' }],
          attachments: [],
          state: i % 10 === 0 ? 'draft' : 'queued',
        });
      }
      repo.insert(batch);
      if ((start + 1000) % 10_000 === 0) progress(`inserted ${Math.min(LIST_N, start + 1000)}/${LIST_N}`);
    }
    core.db.prepare(`UPDATE outbox_messages SET state = 'done' WHERE rowid % 4 = 0`).run();
    let last = repo.list({ limit: 100 });
    rows.push([
      `first page of ${LIST_N}`,
      `${timeIt(() => (last = repo.list({ limit: 100 })), 15, 'first page').toFixed(2)} ms`,
      `${last.length} rows`,
    ]);
    const cursor = { createdAt: last[last.length - 1]!.createdAt, id: last[last.length - 1]!.id };
    rows.push(['next page (keyset)', `${timeIt(() => repo.list({ limit: 100, before: cursor }), 15, 'next page').toFixed(2)} ms`, '']);
    rows.push(['filter state=done', `${timeIt(() => repo.list({ limit: 100, states: ['done'] }), 15, 'state=done').toFixed(2)} ms`, '']);
    rows.push(['filter type=CI', `${timeIt(() => repo.list({ limit: 100, messageType: 'CI' }), 15, 'type=CI').toFixed(2)} ms`, '']);
    rows.push(['filter recipient', `${timeIt(() => repo.list({ limit: 100, recipient: 10_000_123 }), 15, 'recipient').toFixed(2)} ms`, '']);
    rows.push(['full-text "multa"', `${timeIt(() => repo.list({ limit: 100, text: 'multa' }), 15, 'full-text').toFixed(2)} ms`, '']);
    rows.push(['stats (charts)', `${timeIt(() => repo.stats(30), 5, 'stats').toFixed(2)} ms`, '']);
    progress('closing the core (waits for the audit seal)');
    await core.close();
    home.cleanup();
  }

  // 3. Delivery rate against the sandbox's limit with 10% faults, the key ignored as on the real platform: every
  // faulted upload is an unknown outcome, looked for on the platform (citizenPending + the citizen's list) first.
  {
    const home = tempDir('casilla-bench-');
    const sb = tempDir('casilla-bench-sb-');
    const sandbox = await startSandbox({
      dataDir: sb.dir,
      rate: RATE,
      emailDelayMs: 100,
      faults: 'reset=0.05,status503=0.05,seed=3',
      ignoreIdempotencyKey: true,
    });
    const core = openCore({ home: home.dir, shell: 'cli' });
    const repo = new OutboxRepository(core.db, core.audit);
    const store = new AttachmentStore(core.home);
    const t2 = { profileId: 'cli', backendUrl: sandbox.baseUrl, clientId: sandbox.institution.clientId };
    for (let i = 0; i < SEND_N; i++) {
      await queueNotification({ repo, store }, t2, {
        messageType: 'CP',
        subject: `Entrega ${i}`,
        content: `<p>${i}</p>`,
        groups: [{ recipients: [who], attachments: [] }],
      });
    }
    const sender = new OutboxSender(
      repo,
      store,
      clientFactory(core, [
        { baseUrl: sandbox.baseUrl, clientId: sandbox.institution.clientId, clientSecret: sandbox.institution.clientSecret },
      ]),
      null,
      {
        retry: { baseMs: 200, capMs: 2000 },
      },
    );
    const startWall = Date.now();
    const states = () =>
      (
        core.db.prepare(`SELECT state, count(*) AS c FROM outbox_messages GROUP BY state ORDER BY state`).all() as {
          state: string;
          c: number;
        }[]
      )
        .map((r) => `${r.state}=${r.c}`)
        .join(' ');
    let lastReport = Date.now();
    let finished = true;
    progress(`delivering ${SEND_N}: ${states()}`);
    for (;;) {
      await sender.runOnce();
      const left = (core.db.prepare(`SELECT count(*) c FROM outbox_messages WHERE state IN ('queued','sending')`).get() as { c: number }).c;
      if (left === 0) break;
      if (Date.now() - lastReport >= 5000) {
        lastReport = Date.now();
        progress(`delivering: ${states()}`);
      }
      if (Date.now() - startWall > SEND_TIMEOUT_MS) {
        finished = false;
        const stuck = core.db
          .prepare(
            `SELECT state, attempts, due_at, unknown_since, error_code FROM outbox_messages WHERE state IN ('queued','sending') ORDER BY due_at LIMIT 10`,
          )
          .all();
        progress(`delivery did not finish in ${SEND_TIMEOUT_MS / 1000} s: ${states()}; first rows left: ${JSON.stringify(stuck)}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    progress(`delivery ${finished ? 'done' : 'stopped'}: ${states()}`);
    // Throughput of deliveries: from the start to the last acceptance (status polls that follow are not counted).
    const last = core.db
      .prepare(`SELECT max(at) AS at, count(DISTINCT message_id) AS n FROM outbox_events WHERE state = 'accepted'`)
      .get() as {
      at: string | null;
      n: number;
    };
    const secs = ((last.at ? Date.parse(last.at) : Date.now()) - startWall) / 1000;
    const perSec = last.n / secs;
    const attempts = (core.db.prepare(`SELECT count(*) c FROM outbox_events WHERE state = 'sending'`).get() as { c: number }).c;
    rows.push([
      `deliver ${SEND_N} (10% faults, key ignored)${finished ? '' : ` — stopped, ${last.n} accepted`}`,
      `${perSec.toFixed(2)} msg/s`,
      `${((100 * perSec) / RATE).toFixed(1)}% of the ${RATE}/s limit in accepted messages`,
    ]);
    const reconciled = (
      core.db.prepare(`SELECT count(*) c FROM outbox_events WHERE detail LIKE 'conciliado automáticamente%'`).get() as { c: number }
    ).c;
    rows.push([`  unknown outcomes adopted`, `${reconciled}`, 'found on the platform instead of resent (key ignored)']);
    rows.push([
      `  uploads incl. faulted`,
      `${(attempts / secs).toFixed(2)} req/s`,
      `${((100 * attempts) / secs / RATE).toFixed(1)}% of the limit used (${attempts - last.n} retries; faulted requests count against the limit)`,
    ]);
    progress('closing the core (waits for the audit seal)');
    await core.close();
    await sandbox.close();
    home.cleanup();
    sb.cleanup();
  }

  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  console.log(`\n${'measure'.padEnd(w[0]!)}  ${'result'.padEnd(w[1]!)}  note`);
  for (const r of rows) console.log(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2]}`);
}

void main();
