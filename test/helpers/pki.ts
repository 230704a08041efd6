/**
 * A throwaway PKI built with `openssl` at test time: root CA → intermediate CA → signers (RSA, RSA for PSS
 * padding, EC P-256, an expired one, one whose key usage forbids signing), PKCS#12 files in OpenSSL 3's default
 * AES-256/PBKDF2 and in legacy 3DES, and an NSS database trusting the root for `pdfsig -nssdir`.
 *
 * Built once per test process (one folder per pid) because key generation is the slow part.
 */
import { execFile, execFileSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const P12_PASSWORD = 'clave-de-prueba';

export type SignerName = 'rsa' | 'pss' | 'ec' | 'expired' | 'nousage';

export type TestPki = {
  dir: string;
  rootPem: string;
  intermediatePem: string;
  /** `sql:<dir>` ready for `pdfsig -nssdir`. */
  nssDir: string;
  /** PKCS#12 in OpenSSL 3 default encryption (AES-256-CBC, PBKDF2, SHA-256 MAC). */
  p12: Record<SignerName, string>;
  /** PKCS#12 with legacy PBE-SHA1-3DES for key and certificates, SHA-1 MAC. */
  p12Legacy: Record<SignerName, string>;
  /** `openssl pkcs12 -legacy` (as OpenSSL 1.x wrote): certificates under RC2-40, key under 3DES. */
  p12Rc2: { rsa: string; ec: string };
  certPem: Record<SignerName, string>;
  keyPem: Record<SignerName, string>;
  /** Nickname of the RSA signer's key in the NSS db (for `pdfsig -add-signature -nick`). */
  nssSignerNick: string;
  /** `openssl ts -reply -config` file of the test TSA. */
  tsaConfig: string;
};

let cached: TestPki | null = null;

function run(cmd: string, args: string[], cwd: string): string {
  // CA_NAME is read by ca.cnf even for `req`; its value only matters to `openssl ca`.
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CA_NAME: 'root' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

const CA_CONFIG = `
[ ca ]
default_ca = testca
[ testca ]
dir = .
database = $dir/index-$ENV::CA_NAME.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial-$ENV::CA_NAME
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
countryName = optional
organizationName = optional
serialNumber = optional
givenName = optional
surname = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_signer ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_tsa ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_nousage ]
basicConstraints = critical, CA:false
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

type SignerSpec = { name: SignerName; subject: string; key: 'rsa' | 'ec'; ext: string; start?: string; end?: string };

const SIGNERS: SignerSpec[] = [
  {
    name: 'rsa',
    subject: '/C=PE/O=Municipalidad de Prueba/serialNumber=DNI 45678912/givenName=JUAN/surname=PÉREZ QUISPE/CN=JUAN PÉREZ QUISPE',
    key: 'rsa',
    ext: 'v3_signer',
  },
  { name: 'pss', subject: '/C=CL/O=Servicio de Prueba/serialNumber=12.345.678-5/CN=MARÍA GONZÁLEZ', key: 'rsa', ext: 'v3_signer' },
  { name: 'ec', subject: '/C=PE/O=Ministerio de Prueba/serialNumber=PNOPE-20123456789/CN=ROSA HUAMÁN', key: 'ec', ext: 'v3_signer' },
  {
    name: 'expired',
    subject: '/C=PE/serialNumber=DNI 11111111/CN=FIRMANTE VENCIDO',
    key: 'rsa',
    ext: 'v3_signer',
    start: '20200101000000Z',
    end: '20210101000000Z',
  },
  { name: 'nousage', subject: '/C=PE/serialNumber=DNI 22222222/CN=SIN USO DE FIRMA', key: 'rsa', ext: 'v3_nousage' },
];

function genKey(kind: 'rsa' | 'ec', out: string, cwd: string): void {
  if (kind === 'rsa') run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', out], cwd);
  else run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', out], cwd);
}

function issue(
  cwd: string,
  ca: 'root' | 'inter',
  csr: string,
  out: string,
  ext: string,
  subject: string,
  dates?: { start: string; end: string },
): void {
  const caCert = ca === 'root' ? 'root.pem' : 'inter.pem';
  const caKey = ca === 'root' ? 'root.key' : 'inter.key';
  const args = [
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-utf8',
    '-subj',
    subject,
    '-cert',
    caCert,
    '-keyfile',
    caKey,
    '-in',
    csr,
    '-out',
    out,
    '-extensions',
    ext,
    '-notext',
  ];
  if (dates) args.push('-startdate', dates.start, '-enddate', dates.end);
  else args.push('-days', '3650');
  execFileSync('openssl', args, { cwd, env: { ...process.env, CA_NAME: ca }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Builds (or returns the already built) PKI of this test process. */
export function testPki(): TestPki {
  if (cached) return cached;
  const dir = path.join(os.tmpdir(), `casilla-pki-${process.pid}`);
  const done = path.join(dir, 'done.json');
  if (fs.existsSync(done)) {
    cached = JSON.parse(fs.readFileSync(done, 'utf8')) as TestPki;
    return cached;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'newcerts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
  for (const ca of ['root', 'inter']) {
    fs.writeFileSync(path.join(dir, `index-${ca}.txt`), '');
    fs.writeFileSync(path.join(dir, `serial-${ca}`), ca === 'root' ? '1000\n' : '2000\n');
  }
  // Root: self-signed through `openssl ca -selfsign` so it gets the same extension section as the rest.
  genKey('rsa', 'root.key', dir);
  run(
    'openssl',
    [
      'req',
      '-new',
      '-config',
      'ca.cnf',
      '-key',
      'root.key',
      '-subj',
      '/C=PE/O=Casilla Pruebas/CN=Casilla Raiz de Prueba',
      '-out',
      'root.csr',
    ],
    dir,
  );
  execFileSync(
    'openssl',
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'root.key',
      '-in',
      'root.csr',
      '-out',
      'root.pem',
      '-extensions',
      'v3_ca',
      '-days',
      '7300',
      '-notext',
      '-startdate',
      '20200101000000Z',
    ],
    {
      cwd: dir,
      env: { ...process.env, CA_NAME: 'root' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  genKey('rsa', 'inter.key', dir);
  run(
    'openssl',
    [
      'req',
      '-new',
      '-config',
      'ca.cnf',
      '-key',
      'inter.key',
      '-subj',
      '/C=PE/O=Casilla Pruebas/CN=Casilla Intermedia de Prueba',
      '-out',
      'inter.csr',
    ],
    dir,
  );
  issue(dir, 'root', 'inter.csr', 'inter.pem', 'v3_ca', '/C=PE/O=Casilla Pruebas/CN=Casilla Intermedia de Prueba', {
    start: '20200101000000Z',
    end: '20391231000000Z',
  });
  const chain = path.join(dir, 'chain.pem');
  fs.writeFileSync(chain, fs.readFileSync(path.join(dir, 'inter.pem'), 'utf8') + fs.readFileSync(path.join(dir, 'root.pem'), 'utf8'));

  const p12 = {} as Record<SignerName, string>;
  const p12Legacy = {} as Record<SignerName, string>;
  const certPem = {} as Record<SignerName, string>;
  const keyPem = {} as Record<SignerName, string>;
  for (const s of SIGNERS) {
    genKey(s.key, `${s.name}.key`, dir);
    run(
      'openssl',
      ['req', '-new', '-config', 'ca.cnf', '-utf8', '-key', `${s.name}.key`, '-subj', s.subject, '-out', `${s.name}.csr`],
      dir,
    );
    issue(dir, 'inter', `${s.name}.csr`, `${s.name}.pem`, s.ext, s.subject, s.start && s.end ? { start: s.start, end: s.end } : undefined);
    // The same key and chain as an OpenSSL 3 file (AES, PBKDF2) and as a legacy one (3DES, SHA-1 MAC).
    const exportP12 = (out: string, legacy: string[]) =>
      run(
        'openssl',
        [
          'pkcs12',
          '-export',
          '-inkey',
          `${s.name}.key`,
          '-in',
          `${s.name}.pem`,
          '-certfile',
          'chain.pem',
          '-name',
          s.name,
          ...legacy,
          '-passout',
          `pass:${P12_PASSWORD}`,
          '-out',
          out,
        ],
        dir,
      );
    exportP12(`${s.name}.p12`, []);
    exportP12(`${s.name}-legacy.p12`, ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
    p12[s.name] = path.join(dir, `${s.name}.p12`);
    p12Legacy[s.name] = path.join(dir, `${s.name}-legacy.p12`);
    certPem[s.name] = path.join(dir, `${s.name}.pem`);
    keyPem[s.name] = path.join(dir, `${s.name}.key`);
  }

  // The time-stamping authority: its own key and a certificate for timeStamping only.
  genKey('rsa', 'tsa.key', dir);
  run(
    'openssl',
    ['req', '-new', '-config', 'ca.cnf', '-key', 'tsa.key', '-subj', '/C=PE/O=Casilla Pruebas/CN=Casilla TSA de Prueba', '-out', 'tsa.csr'],
    dir,
  );
  issue(dir, 'inter', 'tsa.csr', 'tsa.pem', 'v3_tsa', '/C=PE/O=Casilla Pruebas/CN=Casilla TSA de Prueba');
  fs.writeFileSync(path.join(dir, 'tsaserial'), '01\n');
  fs.writeFileSync(
    path.join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${path.join(dir, 'tsaserial')}`,
      'crypto_device = builtin',
      `signer_cert = ${path.join(dir, 'tsa.pem')}`,
      `certs = ${chain}`,
      `signer_key = ${path.join(dir, 'tsa.key')}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = yes',
      'tsa_name = no',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );

  for (const name of ['rsa', 'ec']) {
    run(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-legacy',
        '-inkey',
        `${name}.key`,
        '-in',
        `${name}.pem`,
        '-certfile',
        'chain.pem',
        '-name',
        name,
        '-passout',
        `pass:${P12_PASSWORD}`,
        '-out',
        `${name}-rc2.p12`,
      ],
      dir,
    );
  }

  const nss = path.join(dir, 'nss');
  fs.mkdirSync(nss);
  run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password'], dir);
  run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'casilla-root', '-t', 'CT,C,C', '-i', path.join(dir, 'root.pem')], dir);
  run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'casilla-inter', '-t', ',,', '-i', path.join(dir, 'inter.pem')], dir);
  run('pk12util', ['-i', p12Legacy.rsa, '-d', `sql:${nss}`, '-W', P12_PASSWORD, '-K', ''], dir);

  const pki: TestPki = {
    dir,
    rootPem: path.join(dir, 'root.pem'),
    intermediatePem: path.join(dir, 'inter.pem'),
    nssDir: `sql:${nss}`,
    p12,
    p12Legacy,
    p12Rc2: { rsa: path.join(dir, 'rsa-rc2.p12'), ec: path.join(dir, 'ec-rc2.p12') },
    certPem,
    keyPem,
    nssSignerNick: 'rsa',
    tsaConfig: path.join(dir, 'tsa.cnf'),
  };
  fs.writeFileSync(done, JSON.stringify(pki));
  cached = pki;
  return pki;
}

export type TestTsa = { url: string; requests: number; close: () => Promise<void> };

/**
 * A real RFC 3161 TSA on 127.0.0.1: `openssl ts -reply` behind a tiny HTTP server. With `auth`, requests without
 * the right Basic credentials get 401.
 */
export async function startTestTsa(auth?: { username: string; password: string }, options: { extraCerts?: number } = {}): Promise<TestTsa> {
  const pki = testPki();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-tsa-'));
  let config = pki.tsaConfig;
  if (options.extraCerts) {
    // A TSA that ships many certificates in every token (some real TSAs send long chains): big tokens.
    const extra: string[] = [];
    for (let i = 0; i < options.extraCerts; i++) {
      extra.push(
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:P-256',
            '-nodes',
            '-keyout',
            '/dev/null',
            '-subj',
            `/CN=Relleno ${i}`,
            '-days',
            '2',
          ],
          {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
          },
        ),
      );
    }
    const bigChain = path.join(work, 'big-chain.pem');
    fs.writeFileSync(bigChain, fs.readFileSync(path.join(pki.dir, 'chain.pem'), 'utf8') + extra.join(''));
    config = path.join(work, 'tsa-big.cnf');
    fs.writeFileSync(config, fs.readFileSync(pki.tsaConfig, 'utf8').replace(/^certs = .*$/m, `certs = ${bigChain}`));
  }
  let counter = 0;
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    const expected = auth ? 'Basic ' + Buffer.from(`${auth.username}:${auth.password}`).toString('base64') : null;
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="tsa"' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests++;
      const n = ++counter;
      const query = path.join(work, `q${n}.tsq`);
      const reply = path.join(work, `r${n}.tsr`);
      fs.writeFileSync(query, Buffer.concat(chunks));
      execFile('openssl', ['ts', '-reply', '-config', config, '-queryfile', query, '-out', reply], (err) => {
        if (err) {
          res.writeHead(500).end(String(err));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(fs.readFileSync(reply));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(work, { recursive: true, force: true });
      }),
  };
}
