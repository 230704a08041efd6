/**
 * A throwaway openssl PKI for the verifier tests: root → intermediate → leaves (RSA signer, EC signer,
 * RSA-PSS signer, a signer that gets revoked, a TSA, an OCSP responder), an openssl CA index (for
 * `openssl ocsp`) and a CRL. Everything is made by the real openssl binary in a temp folder.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type Pki = {
  dir: string;
  rootPem: string;
  interPem: string;
  interKey: string;
  /** name → { cert, key } paths */
  leaf: (name: LeafName) => { cert: string; key: string };
  crlDer: string;
  indexTxt: string;
};

export type LeafName = 'signer' | 'ec' | 'pss' | 'revoked' | 'tsa' | 'ocsp' | 'nosign';

export type PkiOptions = {
  ocspUrl?: string;
  crlUrl?: string;
  caIssuersUrl?: string;
  /** Give the TSA certificate the same OCSP/CRL URLs as the signers (for B-LTA tests). */
  tsaRevocation?: boolean;
};

function ossl(cwd: string, args: string[], input?: string): string {
  return execFileSync('openssl', args, { cwd, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

export function makePki(dir: string, options: PkiOptions = {}): Pki {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'crlnumber'), '01\n');
  const aia: string[] = [];
  const access = [
    options.ocspUrl ? `OCSP;URI:${options.ocspUrl}` : '',
    options.caIssuersUrl ? `caIssuers;URI:${options.caIssuersUrl}` : '',
  ].filter(Boolean);
  if (access.length) aia.push(`authorityInfoAccess = ${access.join(', ')}`);
  if (options.crlUrl) aia.push(`crlDistributionPoints = URI:${options.crlUrl}`);
  const cnf = `
[ca]
default_ca = inter
[inter]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
certificate = ${dir}/inter.pem
private_key = ${dir}/inter.key
default_md = sha256
default_days = 3650
default_crl_days = 30
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
serialNumber = optional
organizationName = optional
[req]
distinguished_name = dn
prompt = no
[dn]
CN = x
[v3_root]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_inter]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_signer]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
${aia.join('\n')}
[v3_nosign]
basicConstraints = critical,CA:false
keyUsage = critical,keyEncipherment
subjectKeyIdentifier = hash
${aia.join('\n')}
[v3_tsa]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
${options.tsaRevocation ? aia.join('\n') : ''}
[v3_ocsp]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,OCSPSigning
subjectKeyIdentifier = hash
[tsa]
default_tsa = tsa_config
[tsa_config]
dir = ${dir}
serial = ${dir}/tsaserial
signer_cert = ${dir}/tsa.pem
certs = ${dir}/inter.pem
signer_key = ${dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512, sha1
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;
  const cnfPath = path.join(dir, 'pki.cnf');
  fs.writeFileSync(cnfPath, cnf);
  fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
  fs.writeFileSync(path.join(dir, 'tsaserial'), '01\n');

  ossl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-days',
    '3650',
    '-subj',
    '/CN=Raiz de Prueba/O=Casilla Test',
    '-config',
    cnfPath,
    '-extensions',
    'v3_root',
  ]);
  ossl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'inter.key',
    '-out',
    'inter.csr',
    '-subj',
    '/CN=Intermedia de Prueba/O=Casilla Test',
    '-config',
    cnfPath,
  ]);
  ossl(dir, [
    'x509',
    '-req',
    '-in',
    'inter.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root.key',
    '-CAcreateserial',
    '-out',
    'inter.pem',
    '-days',
    '3650',
    '-extfile',
    cnfPath,
    '-extensions',
    'v3_inter',
  ]);

  const leaves: Array<[LeafName, string[], string, string]> = [
    ['signer', ['-newkey', 'rsa:2048'], 'v3_signer', '/CN=Juana Perez Firmante/serialNumber=PNOPE-12345678'],
    ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'v3_signer', '/CN=Pedro EC Firmante'],
    ['pss', ['-newkey', 'rsa:2048'], 'v3_signer', '/CN=Rosa PSS Firmante'],
    ['revoked', ['-newkey', 'rsa:2048'], 'v3_signer', '/CN=Luis Revocado'],
    ['nosign', ['-newkey', 'rsa:2048'], 'v3_nosign', '/CN=Sin Uso Firma'],
    ['tsa', ['-newkey', 'rsa:2048'], 'v3_tsa', '/CN=TSA de Prueba'],
    ['ocsp', ['-newkey', 'rsa:2048'], 'v3_ocsp', '/CN=OCSP de Prueba'],
  ];
  for (const [name, keyArgs, ext, subj] of leaves) {
    ossl(dir, ['req', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj, '-config', cnfPath]);
    ossl(dir, [
      'ca',
      '-batch',
      '-config',
      cnfPath,
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.pem`,
      '-extfile',
      cnfPath,
      '-extensions',
      ext,
      '-notext',
      '-startdate',
      '20200101000000Z',
    ]);
  }
  ossl(dir, ['ca', '-config', cnfPath, '-revoke', 'revoked.pem', '-crl_reason', 'keyCompromise']);
  ossl(dir, ['ca', '-gencrl', '-config', cnfPath, '-out', 'crl.pem']);
  ossl(dir, ['crl', '-in', 'crl.pem', '-outform', 'DER', '-out', 'crl.der']);
  ossl(dir, ['x509', '-in', 'inter.pem', '-outform', 'DER', '-out', 'inter.der']);
  return {
    dir,
    rootPem: path.join(dir, 'root.pem'),
    interPem: path.join(dir, 'inter.pem'),
    interKey: path.join(dir, 'inter.key'),
    leaf: (name) => ({ cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) }),
    crlDer: path.join(dir, 'crl.der'),
    indexTxt: path.join(dir, 'index.txt'),
  };
}

/** `openssl cms -sign` detached, binary, with the intermediate included; extra args pick digest / PSS. */
export function cmsSign(pki: Pki, leaf: LeafName, contentFile: string, outDer: string, extra: string[] = []): Buffer {
  const { cert, key } = pki.leaf(leaf);
  execFileSync(
    'openssl',
    [
      'cms',
      '-sign',
      '-binary',
      '-in',
      contentFile,
      '-signer',
      cert,
      '-inkey',
      key,
      '-certfile',
      pki.interPem,
      '-outform',
      'DER',
      '-out',
      outDer,
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return fs.readFileSync(outDer);
}

/** An RFC 3161 token (DER TimeStampToken, not the full response) over `digestHex` from the test TSA. */
export function tsaToken(pki: Pki, digestHex: string, hash = 'sha256'): Buffer {
  const dir = pki.dir;
  const q = path.join(dir, `tsq-${digestHex.slice(0, 12)}.der`);
  const r = path.join(dir, `tsr-${digestHex.slice(0, 12)}.der`);
  const t = path.join(dir, `tst-${digestHex.slice(0, 12)}.der`);
  execFileSync('openssl', ['ts', '-query', '-digest', digestHex, `-${hash}`, '-cert', '-out', q], { stdio: 'pipe' });
  execFileSync('openssl', ['ts', '-reply', '-config', path.join(dir, 'pki.cnf'), '-queryfile', q, '-out', r], { stdio: 'pipe' });
  execFileSync('openssl', ['ts', '-reply', '-in', r, '-token_out', '-out', t], { stdio: 'pipe' });
  return fs.readFileSync(t);
}
