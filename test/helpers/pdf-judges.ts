/**
 * Third-party verdicts on a signed PDF: poppler's pdfsig with an NSS db trusting the test root (the reference),
 * qpdf --check (structure) and mutool sign -v (a second opinion on every signature's digest).
 */
import { spawnSync } from 'node:child_process';

export type PdfsigVerdict = { count: number; valid: number; trusted: number; fields: string[]; output: string };

export function pdfsig(file: string, nssDir: string): PdfsigVerdict {
  const r = spawnSync('pdfsig', ['-nssdir', nssDir, file], { encoding: 'utf8' });
  const output = r.stdout + r.stderr;
  return {
    count: (output.match(/^Signature #\d+:/gm) ?? []).length,
    valid: (output.match(/Signature Validation: Signature is Valid\./g) ?? []).length,
    trusted: (output.match(/Certificate Validation: Certificate is Trusted\./g) ?? []).length,
    fields: [...output.matchAll(/Signature Field Name: (.*)$/gm)].map((m) => (m[1] ?? '').trim()),
    output,
  };
}

export function qpdfCheck(file: string): { ok: boolean; output: string } {
  const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  const output = r.stdout + r.stderr;
  // Exit 0 = no problems; 3 = warnings only. Any warning counts as a failure here.
  return { ok: r.status === 0 && /No syntax or stream encoding errors found/.test(output), output };
}

export function mutoolSignatures(file: string): { count: number; digestOk: number; output: string } {
  const r = spawnSync('mutool', ['sign', '-v', file], { encoding: 'utf8' });
  const output = r.stdout + r.stderr;
  return {
    count: (output.match(/^Verifying signature/gm) ?? []).length,
    digestOk: (
      output.match(/The document is unchanged since signing\.|The signature is valid but there have been edits since signing\./g) ?? []
    ).length,
    output,
  };
}

/**
 * Asserts pdfsig (valid and trusted) and qpdf accept every one of `expected` signatures and mutool sees them all;
 * mutool 1.21 cannot check RSA-PSS digests ("Digest error"), so `pssSignatures` of them are exempt from its
 * digest verdict only. Returns the pdfsig verdict.
 */
export function judge(file: string, nssDir: string, expected: number, pssSignatures = 0): PdfsigVerdict {
  const v = pdfsig(file, nssDir);
  const q = qpdfCheck(file);
  const m = mutoolSignatures(file);
  const problems: string[] = [];
  if (v.count !== expected || v.valid !== expected || v.trusted !== expected)
    problems.push(`pdfsig: ${v.count} firmas, ${v.valid} válidas, ${v.trusted} confiables\n${v.output}`);
  if (!q.ok) problems.push(`qpdf --check:\n${q.output}`);
  if (m.count !== expected || m.digestOk !== expected - pssSignatures) problems.push(`mutool sign -v:\n${m.output}`);
  if (problems.length)
    throw new Error(`${file} no pasa los verificadores externos (se esperaban ${expected} firmas):\n${problems.join('\n')}`);
  return v;
}
