import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import en from '../../src-renderer/i18n/en.json';
import es from '../../src-renderer/i18n/es.json';
import { OUTBOX_STATES } from '../../src-main/api/outbox';
import { commandTable } from '../../src-main/cli/commands';
import { startSandbox } from '../../src-main/sandbox';
import { bundleCli } from '../helpers/cli-bundle';
import { ENGLISH, SPANISH } from '../helpers/language-words';
import { tempDir } from '../helpers/temp-home';

const root = path.resolve(__dirname, '../..');
// Bundled next to node_modules so the native externals resolve; rebuilt from the current sources.
const cliBundle = path.join(root, 'node_modules', '.cache', `casilla-cli-language-${process.pid}`, 'cli.cjs');
const tmp = tempDir('casilla-cli-language-');
const pdf = path.join(root, 'resources', 'demo', 'ejemplo.pdf');
const p12 = path.join(root, 'resources', 'demo', 'demo-firmante.p12');
const output = path.join(tmp.dir, 'firmado.pdf');

beforeAll(async () => {
  await bundleCli(cliBundle);
});
afterAll(() => {
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

/** `casilla sign` of the demo PDF with the demo PKCS#12, its password read from `passwordEnv`. */
function sign(lang: string, passwordEnv: string, json = false) {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '', CASILLA_WRONG_PW: 'no-es-esta' };
  delete env['CASILLA_NOT_SET'];
  const args = ['--home', path.join(tmp.dir, 'home'), ...(json ? ['--json'] : []), 'sign', pdf, '-o', output, '--p12', p12];
  const r = spawnSync(process.execPath, [cliBundle, ...args, '--password-env', passwordEnv], { encoding: 'utf8', env });
  expect(fs.existsSync(output), 'nothing is written').toBe(false);
  return r;
}

function jsonError(stdout: string) {
  return JSON.parse(stdout) as { ok: boolean; error: { code: string; message: string }; exitCode: number };
}

describe('the CLI words errors in its language', () => {
  it('in English (LANG=en_US): a missing environment variable and a wrong PKCS#12 password, codes and exit codes kept', () => {
    const missing = sign('en_US.UTF-8', 'CASILLA_NOT_SET');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('The environment variable CASILLA_NOT_SET is not set.');
    const missingJson = sign('en_US.UTF-8', 'CASILLA_NOT_SET', true);
    expect(missingJson.status).toBe(2);
    expect(missingJson.stderr).toBe('');
    expect(jsonError(missingJson.stdout)).toEqual({
      ok: false,
      error: { code: 'BAD_USAGE', message: 'The environment variable CASILLA_NOT_SET is not set.' },
      exitCode: 2,
    });

    const wrong = sign('en_US.UTF-8', 'CASILLA_WRONG_PW');
    expect(wrong.status).toBe(1);
    expect(en.errors.CERT_BAD_PASSWORD).toBe('The certificate password is wrong.');
    expect(wrong.stderr.trim()).toBe('The certificate password is wrong. [CERT_BAD_PASSWORD]');
    const wrongJson = sign('en_US.UTF-8', 'CASILLA_WRONG_PW', true);
    expect(wrongJson.status).toBe(1);
    expect(jsonError(wrongJson.stdout)).toEqual({
      ok: false,
      error: { code: 'CERT_BAD_PASSWORD', message: 'The certificate password is wrong.' },
      exitCode: 1,
    });
  });

  it("in Spanish (LANG=es_PE): the core's and the CLI's own Spanish messages, same codes and exit codes", () => {
    const missing = sign('es_PE.UTF-8', 'CASILLA_NOT_SET');
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('La variable de entorno CASILLA_NOT_SET no está definida.');
    const wrong = sign('es_PE.UTF-8', 'CASILLA_WRONG_PW');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim()).toBe('La contraseña del certificado no es correcta. [CERT_BAD_PASSWORD]');
    const wrongJson = sign('es_PE.UTF-8', 'CASILLA_WRONG_PW', true);
    expect(jsonError(wrongJson.stdout).error).toEqual({
      code: 'CERT_BAD_PASSWORD',
      message: 'La contraseña del certificado no es correcta.',
    });
  });

  it('verify: a file that could not be read is said in English by its code, in Spanish by the core; exit 2 both', () => {
    const notPdf = path.join(tmp.dir, 'notas.pdf');
    fs.writeFileSync(notPdf, 'esto no es un PDF\n');
    const verify = (lang: string) =>
      spawnSync(process.execPath, [cliBundle, '--home', path.join(tmp.dir, 'home'), 'verify', notPdf], {
        encoding: 'utf8',
        env: { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '' },
      });
    const inEnglish = verify('en_US.UTF-8');
    expect(inEnglish.status).toBe(2);
    expect(inEnglish.stdout).toContain(`COULD NOT BE READ — ${en.errors.PDF_INVALID} [PDF_INVALID]`);
    expect(inEnglish.stdout).not.toContain('cabecera');
    const inSpanish = verify('es_PE.UTF-8');
    expect(inSpanish.status).toBe(2);
    expect(inSpanish.stdout).toContain('NO SE PUDO LEER — El PDF está dañado o no es un PDF (falta la cabecera %PDF). [PDF_INVALID]');
  });
});

/**
 * Every command in each language: its help, its normal output, its progress lines, its errors and the messages of
 * its --json objects carry none of the other language's marker words (test/helpers/language-words.ts, plus a few
 * the CLI uses). What is not the CLI's wording is left out before looking: option names and command words
 * (`--page`, `casilla sign`), placeholders, paths and file names, error codes in brackets, and the proper names
 * of data (certificate and provider names of the trust lists, as `trust list --json` gives them), hashes, ids,
 * dotted action codes, the state codes `--state` takes, and JSON details. The outbox command, which needs the
 * sandbox over HTTP (an asynchronous run), has its own walk below.
 */
const CLI_SPANISH = [
  ...SPANISH,
  'archivos',
  'firmados',
  'Lote',
  'Aviso',
  'Uso',
  'Opciones',
  'Argumentos',
  'Comandos',
  'muestra',
  'perfil',
  'perfiles',
  'salida',
  'anclas',
  'servidor',
  'destinatarios',
  'línea',
  'llavero',
  'registro',
  'de',
  'del',
  'la',
  'los',
  'las',
  'con',
  'para',
  'que',
  'sin',
  'y',
];
const CLI_ENGLISH = [
  ...ENGLISH,
  'the',
  'of',
  'and',
  'with',
  'file',
  'files',
  'signed',
  'Options',
  'Arguments',
  'Commands',
  'display',
  'output',
  'profile',
  'profiles',
  'Warning',
  'recipients',
  'line',
  'keychain',
  'Batch',
  'not',
];

/** The subcommands of each command whose help is read. */
const SUBCOMMANDS: Record<string, string[]> = {
  audit: ['list', 'verify'],
  certs: ['list'],
  profiles: ['list', 'import', 'remove'],
  trust: ['list', 'refresh'],
  tsa: ['list', 'add', 'remove', 'test'],
  outbox: ['list', 'show', 'sync', 'retry', 'cancel', 'export'],
};

type Said = { what: string; status: number | null; text: string };

/** The CLI's prose in `text`: what a translator would translate, without names, paths and syntax. */
function prose(text: string, names: readonly string[]): string {
  let t = text;
  for (const n of [...names].sort((a, b) => b.length - a.length)) if (n) t = t.split(n).join(' ');
  return t
    .replace(/\{"[^\n]*\}/g, ' ')
    .replace(/\S*[/\\]\S*/g, ' ')
    .replace(/\b(?=[0-9a-f-]*\d)[0-9a-f-]{6,}\b/gi, ' ')
    .replace(/\b[a-z]+(\.[a-z_-]+)+\b/g, ' ')
    .replace(/\S+\.(pdf|json|p12|pem|png|csv)\b/gi, ' ')
    .replace(/(^|\s)--?[a-z][\w-]*/gi, ' ')
    .replace(/<[^>]*>|\[[^\]]*\]|\{\w+\}/g, ' ')
    .replace(/\bcasilla((\s+help)?(\s+[a-z][\w-]*){1,2})?/g, ' ')
    .replace(/^ {2}[a-z][\w-]*(?=\s|$)/gm, ' ');
}

function markers(said: readonly Said[], words: readonly string[], names: readonly string[]): string[] {
  const hits: string[] = [];
  for (const s of said) {
    const text = prose(s.text, names);
    for (const w of words) {
      const at = text.search(new RegExp(`(^|[^\\p{L}])${w}($|[^\\p{L}])`, 'iu'));
      if (at >= 0)
        hits.push(
          `${s.what}: ${w} «${text
            .slice(Math.max(0, at - 30), at + 40)
            .replace(/\s+/g, ' ')
            .trim()}»`,
        );
    }
  }
  return hits;
}

/**
 * The `message` of every error object of a --json answer (the command's own, and one per file of a batch or a
 * verification); keys and codes are for programs, and a verification report's reasons keep the core's Spanish
 * `message` next to their `code`, as the app's contract does.
 */
function jsonMessages(stdout: string): string {
  const out: string[] = [];
  const walk = (v: unknown, key: string, parent: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, key, parent));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k, key);
    else if (typeof v === 'string' && key === 'message' && (parent === 'error' || parent === 'warnings')) out.push(v);
  };
  walk(JSON.parse(stdout), '', '');
  return out.join('\n');
}

function runAll(lang: string): { said: Said[]; names: string[] } {
  const dir = path.join(tmp.dir, `all-${lang}`);
  fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
  const home = path.join(dir, 'home');
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '', CASILLA_PW: 'demo1234' };
  const said: Said[] = [];
  const run = (what: string, args: string[], json = false) => {
    const r = spawnSync(process.execPath, [cliBundle, '--home', home, ...(json ? ['--json'] : []), ...args], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    const text = (json && r.stdout.trim().startsWith('{')) || (json && r.stdout.trim().startsWith('[')) ? jsonMessages(r.stdout) : r.stdout;
    said.push({ what, status: r.status, text: `${text}\n${r.stderr}` });
    return r;
  };
  // Help of the program, of each command and of each subcommand.
  run('--help', ['--help']);
  // outbox's own help is read by its walk (runOutbox).
  for (const c of commandTable.filter((c) => c.name !== 'outbox')) {
    run(`help ${c.name}`, ['help', c.name]);
    for (const sub of SUBCOMMANDS[c.name] ?? []) run(`${c.name} ${sub} --help`, [c.name, sub, '--help']);
  }
  // Usage errors of commander and of the commands.
  run('sign without input', ['sign']);
  run('verify --nope', ['verify', '--nope', pdf]);
  run('sign without signer', ['sign', pdf]);
  run('sign bad page', ['sign', pdf, '--p12', p12, '--page', 'cero', '-o', path.join(dir, 'x.pdf')]);
  // A batch with a good and a bad file: the ✔/✘ lines, the summary; and its --json.
  const good = path.join(dir, 'bueno.pdf');
  const bad = path.join(dir, 'malo.pdf');
  fs.copyFileSync(pdf, good);
  fs.writeFileSync(bad, 'esto no es un PDF\n');
  const batch = run('sign batch', ['sign', good, bad, '--out-dir', path.join(dir, 'out'), '--p12', p12, '--password-env', 'CASILLA_PW']);
  expect(batch.status, batch.stderr).toBe(1);
  expect(batch.stderr).toMatch(/✔/);
  expect(batch.stderr).toMatch(/✘/);
  const again = run(
    'sign batch --json',
    ['sign', good, bad, '--out-dir', path.join(dir, 'out'), '--force', '--p12', p12, '--password-env', 'CASILLA_PW'],
    true,
  );
  expect(again.status).toBe(1);
  expect(JSON.parse(again.stdout)).toMatchObject({ signed: 1, failed: 1 });
  run('sign existing output', ['sign', good, '--out-dir', path.join(dir, 'out'), '--p12', p12, '--password-env', 'CASILLA_PW']);
  // Verification: a signed file, an unreadable one, and both in --json.
  const signed = path.join(dir, 'out', 'bueno-firmado.pdf');
  run('verify', ['verify', signed, bad]);
  run('verify with an unreadable --trust', ['verify', '--trust', path.join(dir, 'falta.pem'), signed]);
  run('verify with a bad --logo', ['verify', '--logo', bad, signed], true);
  const vj = run('verify --json', ['verify', signed, bad], true);
  expect(vj.status).toBe(2);
  // Sending: refused recipients, a wrong type, a missing attachment; in --json too.
  const msg = ['--type', 'NT', '--subject', 'Asunto', '--body', 'Texto'];
  run('send bad recipient', ['send', '--to', '123', ...msg]);
  run('send bad recipient --json', ['send', '--to', '123', ...msg], true);
  run('send bad type', ['send', '--to', '33.333.333-3', '--type', 'XX', '--subject', 'A', '--body', 'B']);
  run('send missing attachment', ['send', '--to', '33.333.333-3', ...msg, '--attach', path.join(dir, 'falta.pdf')]);
  run('send missing attachment --json', ['send', '--to', '33.333.333-3', ...msg, '--attach', path.join(dir, 'falta.pdf')], true);
  run('send long subject', ['send', '--to', '33.333.333-3', '--type', 'NT', '--subject', 'x'.repeat(151), '--body', 'B']);
  // Lists and their empty states, a profile and a TSA profile, the audit log, the doctor.
  run('profiles list (empty)', ['profiles', 'list']);
  run('tsa list (empty)', ['tsa', 'list']);
  const params = path.join(dir, 'params.json');
  fs.writeFileSync(
    params,
    JSON.stringify({
      signatureFormat: 'PAdES',
      signatureLevel: 'B',
      signatureStyle: '1',
      stampPage: '1',
      signatureReason: 'Motivo',
      webTsa: '',
    }),
  );
  run('profiles import', ['profiles', 'import', params, '--name', 'Oficina']);
  run('profiles list', ['profiles', 'list']);
  run('profiles remove unknown', ['profiles', 'remove', 'Ninguno']);
  run('tsa add', ['tsa', 'add', 'Sellos', '--url', 'https://tsa.example.org/tsr', '--user', 'u1']);
  run('tsa add bad url', ['tsa', 'add', 'Otro', '--url', 'ftp://tsa.example.org']);
  run('tsa list', ['tsa', 'list']);
  run('tsa remove', ['tsa', 'remove', 'Sellos']);
  run('trust list', ['trust', 'list']);
  const trust = spawnSync(process.execPath, [cliBundle, '--home', home, '--json', 'trust', 'list'], { encoding: 'utf8', env });
  const overview = JSON.parse(trust.stdout) as {
    anchors: { name: string; provider: string; issuer: string }[];
    tsl: { signer: string } | null;
  };
  const names = [...overview.anchors.flatMap((a) => [a.name, a.provider, a.issuer]), overview.tsl?.signer ?? ''];
  run('audit list', ['audit', 'list']);
  run('audit verify', ['audit', 'verify']);
  run('certs list', ['certs', 'list', '--no-defaults', '--offline']);
  run('doctor', ['doctor']);
  // A bad fault specification of the sandbox is refused before anything listens (exit 2), each problem worded.
  for (const faults of ['reset=5', 'latency=9-1ms', 'seed=x', 'no-inbox=2', 'xyz', 'apagón=1'])
    expect(run(`sandbox --faults ${faults}`, ['sandbox', '--port', '0', '--faults', faults]).status).toBe(2);
  return { said, names };
}

// About 60 runs of the CLI per language, each a whole process: minutes on a busy machine.
describe('every command speaks the chosen language', () => {
  it('in English (LANG=en_US) no command says a Spanish word: help, output, progress, errors, --json messages', () => {
    const { said, names } = runAll('en_US.UTF-8');
    expect(markers(said, CLI_SPANISH, names)).toEqual([]);
  }, 400_000);
  it('in Spanish (LANG=es_PE) no command says an English word', () => {
    const { said, names } = runAll('es_PE.UTF-8');
    expect(markers(said, CLI_ENGLISH, names)).toEqual([]);
  }, 400_000);
});

/** The subject of the walk's messages: data, not the CLI's wording. */
const SUBJECT = 'Memo 42';

/** The CLI run asynchronously: the sandbox answering `outbox sync` lives in this process. */
function runAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBundle, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * `casilla outbox sync` without --once, stopped with Ctrl+C (SIGINT) once it has sent the queued message `id` (so it
 * was working when stopped): it says it is syncing, then stopping and how many messages are still pending, in the
 * user's language, and exits 0.
 */
async function syncUntilInterrupted(home: string, env: NodeJS.ProcessEnv, backend: string[], id: string, lang: string): Promise<Said> {
  const words = (lang.startsWith('en') ? en : es).cli.outbox;
  const child = spawn(process.execPath, [cliBundle, '--home', home, 'outbox', 'sync', ...backend], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 60_000;
  let state = 'queued';
  while (state === 'queued' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const shown = await runAsync(['--home', home, '--json', 'outbox', 'show', id], env);
    state = (JSON.parse(shown.stdout) as { state: string }).state;
  }
  expect(state, stderr).not.toBe('queued');
  expect(child.exitCode, 'the sync was still running when interrupted').toBeNull();
  child.kill('SIGINT');
  const status = await closed;
  expect(status, stderr).toBe(0);
  expect(stderr).toContain(words.syncing);
  expect(stderr).toContain(words.stopping.replace('{signal}', 'SIGINT'));
  expect(stderr).toMatch(new RegExp(words.stopped.replace('{pending}', '\\d+').replace(/[.]/g, '\\.')));
  return { what: 'outbox sync (Ctrl+C)', status, text: `${stdout}\n${stderr}` };
}

/**
 * `casilla outbox` in one language: its help and each subcommand's, a bad --state, an unknown id, a message queued
 * with `send` and sent by `sync --once` to the real sandbox over HTTP, list, show, export, cancel twice (the second
 * refused by the core) and retry; the human output and the --json error messages.
 */
async function runOutbox(lang: string): Promise<Said[]> {
  const dir = path.join(tmp.dir, `outbox-${lang}`);
  const sb = path.join(dir, 'sandbox');
  fs.mkdirSync(sb, { recursive: true });
  const home = path.join(dir, 'home');
  const sandbox = await startSandbox({ dataDir: sb, emailDelayMs: 10, rate: 100 });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LANG: lang,
    LC_ALL: '',
    LC_MESSAGES: '',
    TZ: 'America/Lima',
    SB_SECRET: sandbox.institution.clientSecret,
  };
  const backend = ['--backend', sandbox.baseUrl, '--client-id', sandbox.institution.clientId, '--client-secret-env', 'SB_SECRET'];
  const said: Said[] = [];
  const run = async (what: string, args: string[], json = false) => {
    const r = await runAsync(['--home', home, ...(json ? ['--json'] : []), ...args], env);
    const text = json && /^[{[]/.test(r.stdout.trim()) ? jsonMessages(r.stdout) : r.stdout;
    said.push({ what, status: r.status, text: `${text}\n${r.stderr}` });
    return r;
  };
  try {
    await run('help outbox', ['help', 'outbox']);
    for (const sub of SUBCOMMANDS['outbox'] ?? []) await run(`outbox ${sub} --help`, ['outbox', sub, '--help']);
    expect((await run('outbox list (empty)', ['outbox', 'list'])).status).toBe(0);
    expect((await run('outbox list bad state', ['outbox', 'list', '--state', 'nope'])).status).toBe(2);
    expect((await run('outbox list bad state --json', ['outbox', 'list', '--state', 'nope'], true)).status).toBe(2);
    expect((await run('outbox show unknown', ['outbox', 'show', 'no-such-id'])).status).toBe(2);
    expect((await run('outbox show unknown --json', ['outbox', 'show', 'no-such-id'], true)).status).toBe(2);
    const msg = ['--type', 'CP', '--subject', SUBJECT, '--body', '<p>Hola</p>', ...backend];
    const sent = await run('send', ['send', '--to', '33.333.333-3', ...msg]);
    expect(sent.status, sent.stderr).toBe(0);
    const sync = await run('outbox sync --once', ['outbox', 'sync', '--once', ...backend]);
    expect(sync.status, sync.stderr).toBe(0);
    const list = JSON.parse((await runAsync(['--home', home, '--json', 'outbox', 'list'], env)).stdout) as Array<{
      id: string;
      state: string;
    }>;
    expect(list).toEqual([expect.objectContaining({ state: 'accepted' })]);
    const id = list[0]!.id;
    await run('outbox list', ['outbox', 'list']);
    const show = await run('outbox show', ['outbox', 'show', id]);
    expect(show.status).toBe(0);
    // Times in the user's time zone with the offset (TZ=America/Lima), not UTC ISO.
    expect(show.stdout).toMatch(/\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d UTC-05:00/);
    expect(show.stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    const exported = await run('outbox export', ['outbox', 'export', path.join(dir, 'bandeja.csv')]);
    expect(exported.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'bandeja.csv'), 'utf8').split('\r\n').filter(Boolean)).toHaveLength(2);
    await run('outbox export unwritable', ['outbox', 'export', path.join(dir, 'no', 'such', 'dir.csv')]);
    const queued = JSON.parse((await runAsync(['--home', home, '--json', 'send', '--to', '33.333.333-3', ...msg], env)).stdout) as {
      messageIds: string[];
    };
    const other = queued.messageIds[0]!;
    expect((await run('outbox cancel', ['outbox', 'cancel', other])).status).toBe(0);
    const again = await run('outbox cancel again', ['outbox', 'cancel', other]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('OUTBOX_NOT_CANCELLABLE');
    expect((await run('outbox cancel again --json', ['outbox', 'cancel', other], true)).status).toBe(1);
    expect((await run('outbox retry', ['outbox', 'retry', other])).status).toBe(0);
    said.push(await syncUntilInterrupted(home, env, backend, other, lang));
  } finally {
    await sandbox.close();
  }
  return said;
}

describe('casilla outbox speaks the chosen language', () => {
  it('in English (LANG=en_US) no Spanish word', async () => {
    expect(markers(await runOutbox('en_US.UTF-8'), CLI_SPANISH, [...OUTBOX_STATES, SUBJECT])).toEqual([]);
  }, 200_000);
  it('in Spanish (LANG=es_PE) no English word', async () => {
    expect(markers(await runOutbox('es_PE.UTF-8'), CLI_ENGLISH, [...OUTBOX_STATES, SUBJECT])).toEqual([]);
  }, 200_000);
});
