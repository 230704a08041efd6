/**
 * The FirmaGob simulator's test PKI, shaped like Chile's: a root "Autoridad Certificadora del Estado de Chile
 * (simulador)", one CA per public body under it, and each official's certificate issued by their body's CA.
 * The root is kept in `<dataDir>/firmagob/` (key mode 0600) so trainers can trust `ca-estado.pem` once; body
 * CAs and officials' certificates are made on first use in memory (their chain travels in every CMS).
 * pkijs and WebCrypto, like the sandbox's receipt certificate.
 */
import * as asn1js from 'asn1js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as pkijs from 'pkijs';

type CryptoKey = crypto.webcrypto.CryptoKey;

export type Issued = { privateKey: crypto.KeyObject; certificate: Buffer; pem: string };

const ROOT_CN = 'Autoridad Certificadora del Estado de Chile (simulador)';
const DAY = 24 * 3600 * 1000;

type WebKeys = { publicKey: CryptoKey; privateKey: CryptoKey };

function engine(): pkijs.CryptoEngine {
  return new pkijs.CryptoEngine({
    name: 'node',
    crypto: crypto.webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'],
  });
}

async function newKeys(): Promise<WebKeys> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
  return (await crypto.webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as WebKeys;
}

function pemOf(der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

function cnName(target: pkijs.RelativeDistinguishedNames, cn: string): void {
  // Only a CN: pkijs encodes every attribute of a name into one multi-valued RDN, which some readers mangle.
  target.typesAndValues.push(new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) }));
}

async function issue(opts: {
  subjectCn: string;
  keys: WebKeys;
  issuer: { cn: string; key: CryptoKey } | null;
  ca: boolean;
  years: number;
}): Promise<{ der: Buffer; pkcs8: Buffer }> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = crypto.randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cnName(cert.subject, opts.subjectCn);
  cnName(cert.issuer, opts.issuer ? opts.issuer.cn : opts.subjectCn);
  const now = Date.now();
  cert.notBefore.value = new Date(now - DAY);
  cert.notAfter.value = new Date(now + opts.years * 365 * DAY);
  // CA: keyCertSign + cRLSign; official: digitalSignature + nonRepudiation.
  const keyUsage = opts.ca
    ? new asn1js.BitString({ valueHex: new Uint8Array([0x06]).buffer, unusedBits: 1 })
    : new asn1js.BitString({ valueHex: new Uint8Array([0xc0]).buffer, unusedBits: 6 });
  const basic = new pkijs.BasicConstraints(opts.ca ? { cA: true } : { cA: false });
  cert.extensions = [
    new pkijs.Extension({ extnID: '2.5.29.19', critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic }),
    new pkijs.Extension({ extnID: '2.5.29.15', critical: true, extnValue: keyUsage.toBER(false), parsedValue: keyUsage }),
  ];
  const e = engine();
  await cert.subjectPublicKeyInfo.importKey(opts.keys.publicKey, e);
  await cert.sign(opts.issuer ? opts.issuer.key : opts.keys.privateKey, 'SHA-256', e);
  return {
    der: Buffer.from(cert.toSchema(true).toBER(false)),
    pkcs8: Buffer.from(await crypto.webcrypto.subtle.exportKey('pkcs8', opts.keys.privateKey)),
  };
}

function toIssued(r: { der: Buffer; pkcs8: Buffer }): Issued {
  return { privateKey: crypto.createPrivateKey({ key: r.pkcs8, format: 'der', type: 'pkcs8' }), certificate: r.der, pem: pemOf(r.der) };
}

export class StateCa {
  private readonly bodies = new Map<string, Promise<{ issued: Issued; key: CryptoKey; cn: string }>>();
  private readonly officials = new Map<string, Promise<Issued>>();

  private constructor(
    readonly root: Issued,
    private readonly rootKey: CryptoKey,
    readonly rootFile: string,
  ) {}

  static async load(dataDir: string): Promise<StateCa> {
    const dir = path.join(dataDir, 'firmagob');
    const keyFile = path.join(dir, 'ca-estado.key');
    const certFile = path.join(dir, 'ca-estado.pem');
    let pkcs8: Buffer;
    let der: Buffer;
    if (fs.existsSync(keyFile) && fs.existsSync(certFile)) {
      pkcs8 = fs.readFileSync(keyFile);
      der = Buffer.from(new crypto.X509Certificate(fs.readFileSync(certFile)).raw);
    } else {
      const made = await issue({ subjectCn: ROOT_CN, keys: await newKeys(), issuer: null, ca: true, years: 20 });
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Key first, certificate last: a half-written pair is detected (no certificate) and made again.
      fs.writeFileSync(keyFile, made.pkcs8, { mode: 0o600 });
      fs.writeFileSync(certFile, pemOf(made.der));
      pkcs8 = made.pkcs8;
      der = made.der;
    }
    const rootKey = await crypto.webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    return new StateCa(toIssued({ der, pkcs8 }), rootKey as unknown as CryptoKey, certFile);
  }

  private body(entity: string): Promise<{ issued: Issued; key: CryptoKey; cn: string }> {
    let p = this.bodies.get(entity);
    if (!p) {
      p = (async () => {
        const keys = await newKeys();
        const cn = `CA ${entity} (simulador)`.slice(0, 64);
        const made = await issue({ subjectCn: cn, keys, issuer: { cn: ROOT_CN, key: this.rootKey }, ca: true, years: 10 });
        return { issued: toIssued(made), key: keys.privateKey, cn };
      })();
      this.bodies.set(entity, p);
    }
    return p;
  }

  /** The official's certificate (and its body's CA), made once per entity and RUN. */
  async official(entity: string, run: string, name: string): Promise<{ official: Issued; bodyCa: Issued }> {
    const body = await this.body(entity);
    const key = `${entity}|${run}`;
    let p = this.officials.get(key);
    if (!p) {
      p = (async () =>
        toIssued(
          await issue({
            subjectCn: `${name} RUN ${run}`.slice(0, 64),
            keys: await newKeys(),
            issuer: { cn: body.cn, key: body.key },
            ca: false,
            years: 2,
          }),
        ))();
      this.officials.set(key, p);
    }
    return { official: await p, bodyCa: body.issued };
  }
}
