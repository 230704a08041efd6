#!/usr/bin/env node
/**
 * Rebuilds resources/trust/ from the official snapshots in ../shared/trust (or the folder given):
 * copies Peru's TSL and Chile's State PKI roots, extracts every certificate of the Entidad Acreditadora ZIPs
 * (DER, PEM or PKCS#7 inside) into one PEM file per ZIP, and writes manifest.json with the provenance of each
 * file (country, list, provider, official URL, retrieval date, Last-Modified, SHA-256 of what was downloaded,
 * SHA-256 of every certificate). Needs `unzip` and `openssl`.
 *
 *   node scripts/import-trust.mjs [/path/to/shared/trust]
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const from = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'trust'));
const out = path.join(root, 'resources', 'trust');
const RETRIEVED = '2026-07-20';
const EA = 'https://www.entidadacreditadora.gob.cl/wp-content/uploads';

// Provider, official URL and Last-Modified of each ZIP, as recorded when it was downloaded (shared/trust/README.md).
const ZIPS = {
  'E-CERTCHILE_CADENA_CERTIFICACION.zip': [
    'E-CertChile',
    `${EA}/2010/11/E-CERTCHILE_CADENA_CERTIFICACION.zip`,
    'Mon, 06 Nov 2023 19:04:20 GMT',
  ],
  'Ecertchile08022019.zip': ['E-CertChile', `${EA}/2010/11/Ecertchile08022019.zip`, 'Mon, 06 Nov 2023 19:04:20 GMT'],
  'Raices-E-Certchile-20231226.zip': ['E-CertChile', `${EA}/2023/12/Raices-E-Certchile-20231226.zip`, 'Tue, 26 Dec 2023 15:58:00 GMT'],
  'Acepta_CertificadosRaices_e_Intermedios.zip': [
    'Acepta.com',
    `${EA}/2024/11/Acepta_CertificadosRaices_e_Intermedios.zip`,
    'Thu, 28 Nov 2024 18:26:09 GMT',
  ],
  'Certificados-Raiz-e-Intermedios-E-Sign-S.A-Feb2018.zip': [
    'E-Sign',
    `${EA}/2018/03/Certificados-Raiz-e-Intermedios-E-Sign-S.A-Feb2018.zip`,
    'Mon, 06 Nov 2023 19:04:41 GMT',
  ],
  'Certificados-Raiz-e-Intermedios-E-Sign-S.A-Dic2021.zip': [
    'E-Sign',
    `${EA}/2022/01/Certificados-Raiz-e-Intermedios-E-Sign-S.A-Dic2021.zip`,
    'Mon, 06 Nov 2023 19:04:42 GMT',
  ],
  'E-SIGN-S.A.zip': ['E-Sign', `${EA}/2025/06/E-SIGN-S.A.zip`, 'Mon, 02 Jun 2025 18:47:10 GMT'],
  'Certinet_CertificadosRaizIntermedios.zip': [
    'CertiNet',
    `${EA}/2010/11/Certinet_CertificadosRaizIntermedios.zip`,
    'Mon, 06 Nov 2023 19:04:20 GMT',
  ],
  'Certinet_CertificadosRaizIntermedios-1.zip': [
    'CertiNet',
    `${EA}/2010/11/Certinet_CertificadosRaizIntermedios-1.zip`,
    'Mon, 06 Nov 2023 19:04:20 GMT',
  ],
  '2017-05-08-CertCA.zip': ['E-Partners', `${EA}/2017/05/2017-05-08-CertCA.zip`, 'Mon, 06 Nov 2023 19:04:40 GMT'],
  'CertificadosRaizIntermedios_IDok.zip': ['IDok', `${EA}/2018/04/CertificadosRaizIntermedios_IDok.zip`, 'Mon, 06 Nov 2023 19:04:41 GMT'],
  'THSC.zip': ['Thomas Signe', `${EA}/2020/04/THSC.zip`, 'Mon, 06 Nov 2023 19:04:42 GMT'],
  'THOMAS_SIGNE.zip': ['Thomas Signe', `${EA}/2025/06/THOMAS_SIGNE.zip`, 'Mon, 02 Jun 2025 19:35:56 GMT'],
  'Abancert.zip': ['Abancert', `${EA}/2022/03/Abancert.zip`, 'Mon, 06 Nov 2023 19:04:42 GMT'],
  'Certificados_FirmaDox-2022.zip': ['firmaDOX', `${EA}/2022/06/Certificados_FirmaDox-2022.zip`, 'Mon, 06 Nov 2023 19:04:43 GMT'],
  'Certificado-Raiz-e-Digital.zip': ['e-Digital', `${EA}/2022/10/Certificado-Raiz-e-Digital.zip`, 'Mon, 06 Nov 2023 19:04:43 GMT'],
  'Certificados_Microsystem_2023.zip': ['Microsystem', `${EA}/2023/03/Certificados_Microsystem_2023.zip`, 'Mon, 06 Nov 2023 19:04:43 GMT'],
  'MICROSYSTEM.zip': ['Microsystem', `${EA}/2025/06/MICROSYSTEM.zip`, 'Mon, 02 Jun 2025 19:07:48 GMT'],
  'raices.zip': ['Certificadora del Sur', `${EA}/2024/06/raices.zip`, 'Fri, 07 Jun 2024 19:26:00 GMT'],
  'Cadena-Confianza-TSP-SpA.zip': [
    'Trust Service Provider SpA',
    `${EA}/2026/06/Cadena-Confianza-TSP-SpA.zip`,
    'Mon, 15 Jun 2026 13:40:54 GMT',
  ],
};

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const toPem = (der) =>
  `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)
    .join('\n')}\n-----END CERTIFICATE-----\n`;

/** Every certificate in a file: PEM blocks, a DER certificate, or a PKCS#7 bundle (DER or PEM). */
function certificatesIn(file) {
  const bytes = fs.readFileSync(file);
  const text = bytes.toString('latin1');
  const found = [];
  const tryX509 = (der) => {
    try {
      new crypto.X509Certificate(der);
      found.push(der);
      return true;
    } catch {
      return false;
    }
  };
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g))
      tryX509(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
    if (found.length) return found;
  }
  if (tryX509(bytes)) return found;
  for (const inform of ['DER', 'PEM']) {
    try {
      const pem = execFileSync('openssl', ['pkcs7', '-inform', inform, '-print_certs'], {
        input: bytes,
        stdio: ['pipe', 'pipe', 'ignore'],
      }).toString();
      for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g))
        tryX509(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
      if (found.length) return found;
    } catch {
      // Not PKCS#7 in this encoding.
    }
  }
  // Some bundles hold base64 DER without PEM armour.
  const b64 = text.replace(/\s+/g, '');
  if (/^[A-Za-z0-9+/=]{100,}$/.test(b64)) tryX509(Buffer.from(b64, 'base64'));
  return found;
}

/** Files under `dir` as Buffers: some ZIPs carry Latin-1 names that are not valid UTF-8. */
function walk(dir) {
  const list = execFileSync('find', [dir, '-type', 'f', '-print0']);
  const out = [];
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] !== 0) continue;
    out.push(list.subarray(start, i));
    start = i + 1;
  }
  return out.sort(Buffer.compare);
}

function describe(der) {
  const x = new crypto.X509Certificate(der);
  return {
    sha256: sha256(der),
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
    ca: x.ca,
  };
}

fs.rmSync(path.join(out, 'pe'), { recursive: true, force: true });
fs.rmSync(path.join(out, 'cl'), { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'pe'), { recursive: true });
fs.mkdirSync(path.join(out, 'cl', 'entidad-acreditadora'), { recursive: true });
fs.mkdirSync(path.join(out, 'cl', 'estado'), { recursive: true });
const sources = [];

const tsl = fs.readFileSync(path.join(from, 'pe', 'tsl-pe.xml'));
fs.writeFileSync(path.join(out, 'pe', 'tsl-pe.xml'), tsl);
sources.push({
  id: 'pe-tsl',
  country: 'PE',
  kind: 'tsl',
  list: 'TSL INDECOPI (IOFE)',
  provider: 'INDECOPI',
  file: 'pe/tsl-pe.xml',
  officialUrl: 'https://iofe.indecopi.gob.pe/TSL/tsl-pe.xml',
  retrieved: RETRIEVED,
  lastModified: 'Tue, 30 Jun 2026 16:06:08 GMT',
  sha256: sha256(tsl),
});

for (const [name, label] of [
  ['autoridad-certificadora-del-estado-de-chile-g2.pem', 'G2'],
  ['autoridad-certificadora-del-estado-de-chile.pem', 'G1'],
]) {
  const bytes = fs.readFileSync(path.join(from, 'cl', 'estado', name));
  fs.writeFileSync(path.join(out, 'cl', 'estado', name), bytes);
  sources.push({
    id: `cl-estado-${label.toLowerCase()}`,
    country: 'CL',
    kind: 'bundle',
    list: 'PKI del Estado de Chile',
    provider: `Autoridad Certificadora del Estado de Chile ${label}`,
    file: `cl/estado/${name}`,
    officialUrl: 'https://firma.digital.gob.cl/biblioteca/certificados/',
    retrieved: RETRIEVED,
    lastModified: null,
    sha256: sha256(bytes),
    certificates: certificatesIn(path.join(from, 'cl', 'estado', name)).map(describe),
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-trust-'));
for (const [zip, [provider, url, lastModified]] of Object.entries(ZIPS)) {
  const zipPath = path.join(from, 'cl', 'entidad-acreditadora', zip);
  if (!fs.existsSync(zipPath)) continue;
  const dir = path.join(tmp, zip);
  fs.mkdirSync(dir);
  execFileSync('unzip', ['-qq', '-o', zipPath, '-d', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const seen = new Map();
  for (const f of walk(dir))
    for (const der of certificatesIn(f))
      if (!seen.has(sha256(der))) seen.set(sha256(der), { der, member: f.toString('latin1').slice(dir.length + 1) });
  const pemName = zip.replace(/\.zip$/, '.pem');
  fs.writeFileSync(path.join(out, 'cl', 'entidad-acreditadora', pemName), [...seen.values()].map((c) => toPem(c.der)).join(''));
  sources.push({
    id: `cl-ea-${zip.replace(/\.zip$/, '').toLowerCase()}`,
    country: 'CL',
    kind: 'bundle',
    list: 'Entidad Acreditadora (Chile)',
    provider,
    file: `cl/entidad-acreditadora/${pemName}`,
    officialUrl: url,
    retrieved: RETRIEVED,
    lastModified,
    sha256: sha256(fs.readFileSync(zipPath)),
    certificates: [...seen.values()].map((c) => ({ ...describe(c.der), member: c.member })),
  });
  console.log(`${zip}: ${seen.size} certificado(s)`);
}
fs.rmSync(tmp, { recursive: true, force: true });
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ format: 1, sources }, null, 1) + '\n');
console.log(`manifest.json: ${sources.length} fuentes`);
