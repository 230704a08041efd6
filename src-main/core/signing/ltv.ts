/**
 * Long-term signatures (PAdES B-LT and B-LTA). B-LT adds, in a new revision, a Document Security Store (DSS)
 * with the certificates, OCSP responses and CRLs that prove every signature's chain was good, plus one VRI
 * entry per signature (key: SHA-1 of its /Contents). B-LTA then adds a document timestamp (ETSI.RFC3161)
 * over the whole file, so the validation data is itself protected by a time later than it.
 *
 * `extendPdf` does this for an already signed PDF ("extend to LTA" when the TSA is reachable again);
 * `signPdfAtLevel` signs at B-T first and extends. Fail closed: when the signer's revocation status cannot be
 * obtained, or the TSA does not answer, the error says why and no output is written.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import { buildIncrementalUpdate, ObjectNumbers, type UpdateObject } from '../pdf/incremental-writer';
import { openPdf, type PdfDocument } from '../pdf/pdf-document';
import { PdfArray, PdfDict, PdfRef, PdfStream, type PdfValue } from '../pdf/pdf-objects';
import { pdf } from '../pdf/pdf-serializer';
import { revocationUrls, sameName, type Cert } from '../verify/certificate';
import { parseCms } from '../verify/cms';
import { readCrl } from '../verify/crl';
import { httpFetch } from '../verify/http-fetch';
import { fetchIssuers } from '../verify/issuer-fetch';
import { ocspRequest, readOcspResponse } from '../verify/ocsp';
import { locateSignatures } from '../verify/pdf-signatures';
import { signatureTimestampToken } from '../verify/timestamp';
import { signPdf, type SignPdfOptions, type SignPdfResult } from './pades-signer';
import { abandonTempOutput, commitTempOutput, createTempOutput, openForWrite } from './safe-output';
import { SignErrorCodes } from './sign-errors';
import { requestTimestampForImprint, type TsaConfig } from './tsa-client';

export { PADES_LEVELS, type PadesLevel } from './pades-levels';
import type { PadesLevel } from './pades-levels';

export type ExtendOptions = {
  input: string;
  output: string;
  level: 'B-LT' | 'B-LTA';
  /** Required for B-LTA (the document timestamp). */
  tsa?: TsaConfig;
  /** Per request to OCSP/CRL/issuer servers; default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
};

export type ExtendResult = { output: string; signatures: number; certs: number; ocsps: number; crls: number; timestamped: boolean };

const MAX_RESPONSE = 10 * 1024 * 1024;
const MAX_CHAIN = 8;
/** Room for a document timestamp token (TSAs that ship long chains make big tokens). */
const DOC_TIMESTAMP_ROOM = 20_000;

export function ltvError(reason: string, cause?: unknown): AppError {
  return new AppError(
    'SIGN_LTV_FAILED',
    `No se pudieron reunir los datos de validación a largo plazo: ${reason}. No se escribió ningún archivo.`,
    { reason },
    { cause },
  );
}

/** Signs at any PAdES level: B-B/B-T directly; B-LT/B-LTA as B-T, then the DSS (and a document timestamp). */
export async function signPdfAtLevel(
  opts: Omit<SignPdfOptions, 'level'> & { level?: PadesLevel },
): Promise<Omit<SignPdfResult, 'level'> & { level: PadesLevel }> {
  const level = opts.level ?? 'B-B';
  if (level === 'B-B' || level === 'B-T') return signPdf({ ...opts, level });
  if (!opts.tsa) throw new AppError('SIGN_TSA_MISSING', `El nivel ${level} necesita un servidor de sellado de tiempo (TSA).`);
  if (path.resolve(opts.input) === path.resolve(opts.output))
    throw new AppError(SignErrorCodes.outputExists, 'El archivo de salida no puede ser el mismo que el de entrada.');
  const stage = createTempOutput(opts.output);
  try {
    const signed = await signPdf({ ...opts, level: 'B-T', output: stage.tempPath });
    await extendPdf({
      input: stage.tempPath,
      output: opts.output,
      level,
      tsa: opts.tsa,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { ...signed, output: opts.output, level, bytesAdded: fs.statSync(opts.output).size - fs.statSync(opts.input).size };
  } finally {
    abandonTempOutput(stage);
  }
}

/**
 * Adds the DSS (B-LT) and, for B-LTA, a document timestamp to a signed PDF; writes `output`, never `input`.
 * B-LTA: DSS → document timestamp → a last DSS update with the timestamp's own chain and revocation data,
 * so a verifier offline can also validate the document timestamp.
 */
export async function extendPdf(opts: ExtendOptions): Promise<ExtendResult> {
  if (path.resolve(opts.input) === path.resolve(opts.output))
    throw new AppError(SignErrorCodes.outputExists, 'El archivo de salida no puede ser el mismo que el de entrada.');
  if (opts.level === 'B-LTA' && !opts.tsa)
    throw new AppError('SIGN_TSA_MISSING', 'El nivel B-LTA necesita un servidor de sellado de tiempo (TSA) para el sello del documento.');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (opts.level === 'B-LT') {
    const m = await addDss(opts.input, opts.output, false, timeoutMs, opts.signal);
    return { output: opts.output, ...m, timestamped: false };
  }
  const withDss = createTempOutput(opts.output);
  const stamped = createTempOutput(opts.output);
  try {
    const m = await addDss(opts.input, withDss.tempPath, true, timeoutMs, opts.signal);
    const tsa = opts.tsa as TsaConfig;
    await signPdf({
      input: withDss.tempPath,
      output: stamped.tempPath,
      role: 'firma',
      stamp: { invisible: true },
      signer: {
        summary: null,
        external: {
          estimate: DOC_TIMESTAMP_ROOM,
          subFilter: 'ETSI.RFC3161',
          provide: (digest, signal) => requestTimestampForImprint(tsa, digest, 'sha256', signal),
        },
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const last = await addDss(stamped.tempPath, opts.output, false, timeoutMs, opts.signal);
    return { output: opts.output, ...m, certs: last.certs, ocsps: last.ocsps, crls: last.crls, timestamped: true };
  } finally {
    abandonTempOutput(withDss);
    abandonTempOutput(stamped);
  }
}

async function addDss(
  input: string,
  output: string,
  direct: boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ signatures: number; certs: number; ocsps: number; crls: number }> {
  const doc = openPdf(input);
  let material: Material;
  let update: Buffer;
  try {
    if (doc.isEncrypted()) throw new AppError(SignErrorCodes.pdfEncrypted, 'Los PDF cifrados aún no se pueden extender.');
    material = await collectMaterial(doc, timeoutMs, signal);
    update = buildDssRevision(doc, material);
  } finally {
    doc.close();
  }
  signal?.throwIfAborted();
  await writeAppended(input, output, update, direct);
  return { signatures: material.vri.length, certs: material.certs.length, ocsps: material.ocsps.length, crls: material.crls.length };
}

type VriEntry = { key: string; certs: number[]; ocsps: number[]; crls: number[] };
type Material = { certs: Buffer[]; ocsps: Buffer[]; crls: Buffer[]; vri: VriEntry[] };

/** Indexes of unique byte strings, so a certificate shared by signatures is stored once. */
class Pool {
  readonly items: Buffer[] = [];
  private readonly index = new Map<string, number>();
  add(b: Buffer): number {
    const key = sha256(b);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(b);
      this.index.set(key, i);
    }
    return i;
  }
}

function issuerOf(cert: Cert, pool: Cert[]): Cert | null {
  for (const c of pool) {
    if (c.fingerprint === cert.fingerprint) continue;
    if (sameName(c.parsed.subject, cert.parsed.issuer) && cert.x509.checkIssued(c.x509) && cert.x509.verify(c.x509.publicKey)) return c;
  }
  return null;
}

function selfSigned(c: Cert): boolean {
  return c.x509.checkIssued(c.x509);
}

async function collectMaterial(doc: PdfDocument, timeoutMs: number, signal?: AbortSignal): Promise<Material> {
  const sigs = locateSignatures(doc).filter((s) => s.contents && s.contents.length > 0);
  if (sigs.length === 0) throw ltvError('el PDF no tiene firmas');
  const certs = new Pool();
  const ocsps = new Pool();
  const crls = new Pool();
  const vri: VriEntry[] = [];
  const answered = new Map<string, { ocsp?: number; crl?: number }>();
  for (const sig of sigs) {
    signal?.throwIfAborted();
    const contents = sig.contents as Buffer;
    let cms: ReturnType<typeof parseCms>;
    try {
      cms = parseCms(contents);
    } catch (err) {
      throw ltvError(`la firma «${sig.field}» no se puede leer`, err);
    }
    if (!cms.signer) throw ltvError(`la firma «${sig.field}» no trae el certificado del firmante`);
    const entry: VriEntry = {
      key: crypto.createHash('sha1').update(contents).digest('hex').toUpperCase(),
      certs: [],
      ocsps: [],
      crls: [],
    };
    // The signer's chain, and the chain of the TSA of its signature timestamp (revocation best effort there).
    const chains: Array<{ leaf: Cert; pool: Cert[]; required: boolean }> = [
      { leaf: cms.signer, pool: [...cms.certificates], required: true },
    ];
    const token = signatureTimestampToken(cms);
    if (token) {
      try {
        const ts = parseCms(token);
        if (ts.signer) chains.push({ leaf: ts.signer, pool: [...ts.certificates], required: false });
      } catch {
        // An unreadable timestamp token is the verifier's business; it adds nothing to the DSS.
      }
    }
    for (const { leaf, pool, required } of chains) {
      let cert: Cert | null = leaf;
      for (let depth = 0; cert && depth < MAX_CHAIN; depth++) {
        entry.certs.push(certs.add(cert.der));
        if (selfSigned(cert)) break;
        let issuer = issuerOf(cert, pool);
        if (!issuer) {
          const fetched = await fetchIssuers(cert, timeoutMs);
          pool.push(...fetched.certs);
          issuer = issuerOf(cert, pool);
        }
        if (!issuer) {
          if (required && depth === 0) throw ltvError(`falta el certificado emisor de «${cert.x509.subject.split('\n').join(', ')}»`);
          break;
        }
        const key = `${cert.fingerprint}|${issuer.fingerprint}`;
        let got = answered.get(key);
        if (!got) {
          got = await revocationOf(cert, issuer, timeoutMs, { ocsps, crls });
          answered.set(key, got);
        }
        if (got.ocsp === undefined && got.crl === undefined && required && depth === 0)
          throw ltvError(`ningún servicio OCSP ni CRL respondió por el certificado de «${commonNameOf(cert)}»`);
        if (got.ocsp !== undefined) entry.ocsps.push(got.ocsp);
        if (got.crl !== undefined) entry.crls.push(got.crl);
        cert = issuer;
      }
    }
    vri.push(entry);
  }
  return { certs: certs.items, ocsps: ocsps.items, crls: crls.items, vri };
}

function sha256(b: Buffer): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

function commonNameOf(c: Cert): string {
  return /CN=([^\n,]+)/.exec(c.x509.subject)?.[1] ?? c.x509.subject;
}

/**
 * One OCSP response (or else one CRL) that answers `good` for `cert`. A revoked certificate is an error: a
 * long-term signature must not be built over it.
 */
async function revocationOf(
  cert: Cert,
  issuer: Cert,
  timeoutMs: number,
  pools: { ocsps: Pool; crls: Pool },
): Promise<{ ocsp?: number; crl?: number }> {
  const urls = revocationUrls(cert);
  for (const url of urls.ocsp.filter((u) => /^https?:\/\//i.test(u)).slice(0, 2)) {
    try {
      const body = Buffer.from(
        await httpFetch(
          url,
          { method: 'POST', body: ocspRequest(cert, issuer), contentType: 'application/ocsp-request' },
          timeoutMs,
          MAX_RESPONSE,
        ),
      );
      const a = readOcspResponse(body, cert, issuer);
      if (a.status === 'revoked') throw ltvError(`el certificado de «${commonNameOf(cert)}» está revocado`);
      if (a.status === 'good') return { ocsp: pools.ocsps.add(body) };
    } catch (err) {
      if (err instanceof AppError) throw err;
      // A dead OCSP server: the CRL below may still answer.
    }
  }
  for (const url of urls.crl.filter((u) => /^https?:\/\//i.test(u)).slice(0, 2)) {
    try {
      const body = Buffer.from(await httpFetch(url, { method: 'GET' }, timeoutMs, MAX_RESPONSE));
      const a = readCrl(body, cert, issuer);
      if (a.status === 'revoked') throw ltvError(`el certificado de «${commonNameOf(cert)}» está revocado`);
      if (a.status === 'good') return { crl: pools.crls.add(body) };
    } catch (err) {
      if (err instanceof AppError) throw err;
      // An unreachable CRL server: reported by the caller as "no answer".
    }
  }
  return {};
}

/** The new revision: DSS streams, the DSS dictionary (earlier entries kept) with its VRI, and the catalog. */
function buildDssRevision(doc: PdfDocument, m: Material): Buffer {
  const numbers = new ObjectNumbers(doc);
  const objects: UpdateObject[] = [];
  const stream = (data: Buffer): PdfRef => {
    const num = numbers.allocate();
    objects.push({ num, gen: 0, stream: { dict: new PdfDict(), data } });
    return pdf.ref(num);
  };
  const rootRef = doc.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new AppError(SignErrorCodes.pdfInvalid, 'El PDF está dañado (catálogo directo).');
  const catalog = doc.resolveDict(rootRef)?.clone();
  if (!catalog) throw new AppError(SignErrorCodes.pdfInvalid, 'El PDF está dañado (sin catálogo).');
  const old = doc.resolveDict(catalog.get('DSS'));
  const oldItems = (key: string): PdfValue[] => doc.resolveArray(old?.get(key))?.items ?? [];
  // An item already in the DSS (the same certificate on a second extension) is referenced, not stored again.
  const existing = new Map<string, PdfRef>();
  for (const key of ['Certs', 'OCSPs', 'CRLs']) {
    for (const item of oldItems(key).slice(0, 1000)) {
      const st = item instanceof PdfRef ? doc.resolve(item) : null;
      if (item instanceof PdfRef && st instanceof PdfStream) {
        try {
          existing.set(sha256(doc.streamDecoded(st, MAX_RESPONSE)), item);
        } catch {
          // An unreadable old item is kept as it is; the new one is stored beside it.
        }
      }
    }
  }
  const added: Record<string, PdfRef[]> = { Certs: [], OCSPs: [], CRLs: [] };
  const refsOf = (key: 'Certs' | 'OCSPs' | 'CRLs', items: Buffer[]): PdfRef[] =>
    items.map((b) => {
      const had = existing.get(sha256(b));
      if (had) return had;
      const ref = stream(b);
      added[key]?.push(ref);
      return ref;
    });
  const certRefs = refsOf('Certs', m.certs);
  const ocspRefs = refsOf('OCSPs', m.ocsps);
  const crlRefs = refsOf('CRLs', m.crls);
  const vri = doc.resolveDict(old?.get('VRI'))?.clone() ?? new PdfDict();
  for (const e of m.vri) {
    const entry = new PdfDict();
    const pick = (refs: PdfRef[], idx: number[]) => new PdfArray([...new Set(idx)].map((i) => refs[i] as PdfRef));
    entry.set('Cert', pick(certRefs, e.certs));
    if (e.ocsps.length) entry.set('OCSP', pick(ocspRefs, e.ocsps));
    if (e.crls.length) entry.set('CRL', pick(crlRefs, e.crls));
    vri.set(e.key, entry);
  }
  const dss = pdf.dict({
    Type: pdf.name('DSS'),
    Certs: new PdfArray([...oldItems('Certs'), ...(added.Certs ?? [])]),
    OCSPs: new PdfArray([...oldItems('OCSPs'), ...(added.OCSPs ?? [])]),
    CRLs: new PdfArray([...oldItems('CRLs'), ...(added.CRLs ?? [])]),
    VRI: vri,
  });
  const dssNum = numbers.allocate();
  objects.push({ num: dssNum, gen: 0, value: dss });
  catalog.set('DSS', pdf.ref(dssNum));
  // PAdES needs PDF 2.0 or the ESIC extension for DSS-aware readers.
  const ext = doc.resolveDict(catalog.get('Extensions'))?.clone() ?? new PdfDict();
  ext.set('ESIC', pdf.dict({ BaseVersion: pdf.name('1.7'), ExtensionLevel: 5 }));
  catalog.set('Extensions', ext);
  const rootEntry = doc.xrefEntry(rootRef.num);
  objects.push({ num: rootRef.num, gen: rootEntry?.kind === 'offset' ? rootEntry.gen : 0, value: catalog });
  return buildIncrementalUpdate(doc, objects, numbers).bytes;
}

/** Copies `input` to `output` through a temp file and appends `update`; `direct` writes `output` as given (a staging path). */
async function writeAppended(input: string, output: string, update: Buffer, direct: boolean): Promise<void> {
  if (direct) {
    await fs.promises.copyFile(input, output);
    fs.appendFileSync(output, update);
    return;
  }
  let out: ReturnType<typeof createTempOutput>;
  try {
    out = createTempOutput(output);
  } catch (err) {
    throw new AppError(SignErrorCodes.outputUnwritable, `No se puede escribir en ${path.dirname(output)}.`, { output }, { cause: err });
  }
  try {
    await fs.promises.copyFile(input, out.tempPath);
    const fd = openForWrite(out);
    const at = fs.fstatSync(fd).size;
    let done = 0;
    while (done < update.length) done += fs.writeSync(fd, update, done, update.length - done, at + done);
    commitTempOutput(out);
  } catch (err) {
    abandonTempOutput(out);
    throw err;
  }
}
