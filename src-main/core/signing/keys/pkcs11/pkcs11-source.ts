/**
 * PKCS#11 tokens and smart cards (DNIe, USB tokens, HSMs) as a key source, through pkcs11js.
 *
 * `list` reads the certificates of every token present without a PIN (certificates are public objects).
 * `open` logs in with the PIN, finds the private key with the certificate's CKA_ID and returns a handle that
 * hashes here and signs only the digest on the token (CKM_RSA_PKCS over a DigestInfo, CKM_RSA_PKCS_PSS,
 * CKM_ECDSA), so it works with tokens that offer no hash-and-sign mechanisms. `close` logs out. The PIN is
 * never kept by this module.
 *
 * Failures are AppErrors with Spanish messages: KEY_MODULE_UNLOADABLE, KEY_TOKEN_NOT_FOUND, KEY_TOKEN_REMOVED,
 * KEY_PIN_INCORRECT, KEY_PIN_LOCKED, KEY_PIN_INVALID, KEY_NOT_FOUND, KEY_TOKEN_TIMEOUT, KEY_TOKEN_ERROR.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import * as pkcs11js from 'pkcs11js';
import { AppError } from '../../../../api/result';
import { summarizeCertificate } from '../../certificate-summary';
import type { DigestName, SignatureScheme } from '../../signature-algorithms';
import { digestInfo, digestOf, ecdsaRawToDer } from '../digest-info';
import type { KeyHandle, KeySource, KeyType, OpenedKey, SourceCertificate } from '../key-source';

export const KeyErrorCodes = {
  moduleUnloadable: 'KEY_MODULE_UNLOADABLE',
  tokenNotFound: 'KEY_TOKEN_NOT_FOUND',
  tokenRemoved: 'KEY_TOKEN_REMOVED',
  pinIncorrect: 'KEY_PIN_INCORRECT',
  pinLocked: 'KEY_PIN_LOCKED',
  pinInvalid: 'KEY_PIN_INVALID',
  keyNotFound: 'KEY_NOT_FOUND',
  timeout: 'KEY_TOKEN_TIMEOUT',
  tokenError: 'KEY_TOKEN_ERROR',
} as const;

/** Which token: by label or slot id; when neither is given, the only token present (or the first one with the certificate). */
export type TokenSelector = { tokenLabel?: string | undefined; slot?: number | undefined };

export type Pkcs11Options = TokenSelector & {
  /** How long one signature may take on the token before we give up and say so (ms). */
  signTimeoutMs?: number;
  /** C_Initialize library parameters (NSS's softoken takes its database folder this way). */
  initParameters?: string;
  /** 'nss' when the module is NSS's softoken over a browser's database. */
  kind?: 'pkcs11' | 'nss';
};

const CKR = {
  PIN_INCORRECT: 0xa0,
  PIN_INVALID: 0xa1,
  PIN_LEN_RANGE: 0xa2,
  PIN_EXPIRED: 0xa3,
  PIN_LOCKED: 0xa4,
  DEVICE_ERROR: 0x30,
  DEVICE_REMOVED: 0x32,
  SESSION_CLOSED: 0xb0,
  SESSION_HANDLE_INVALID: 0xb3,
  TOKEN_NOT_PRESENT: 0xe0,
  TOKEN_NOT_RECOGNIZED: 0xe1,
  SLOT_ID_INVALID: 0x03,
  USER_ALREADY_LOGGED_IN: 0x100,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
};

const MAX_OBJECTS = 256;
const MAX_CERT_BYTES = 64 * 1024;

/** One loaded module per path and process: C_Initialize may run only once (per set of parameters). */
const loaded = new Map<string, { lib: pkcs11js.PKCS11; params: string | undefined }>();

function loadModule(modulePath: string, params?: string): pkcs11js.PKCS11 {
  const resolved = path.resolve(modulePath);
  const cached = loaded.get(resolved);
  if (cached && cached.params === params) return cached.lib;
  if (cached) {
    // Another NSS database: the softoken serves one per initialization.
    try {
      cached.lib.C_Finalize();
    } catch {
      // Already finalized; loading again below is what matters.
    }
    loaded.delete(resolved);
  }
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(resolved);
  } catch (err) {
    throw new AppError(
      KeyErrorCodes.moduleUnloadable,
      `No se pudo cargar el módulo PKCS#11 «${resolved}». ¿Está instalado el software del token o tarjeta?`,
      { module: resolved },
      { cause: err },
    );
  }
  try {
    lib.C_Initialize(params ? { libraryParameters: params } : undefined);
  } catch (err) {
    if (ckr(err) !== CKR.CRYPTOKI_ALREADY_INITIALIZED)
      throw new AppError(
        KeyErrorCodes.moduleUnloadable,
        `El módulo PKCS#11 «${resolved}» no se pudo iniciar.`,
        { module: resolved },
        { cause: err },
      );
  }
  loaded.set(resolved, { lib, params });
  return lib;
}

/** Finalizes every module loaded by this process (tests, CLI exit). */
export function unloadPkcs11Modules(): void {
  for (const { lib } of loaded.values()) {
    try {
      lib.C_Finalize();
      lib.close();
    } catch {
      // Finalizing a module that lost its token may fail; the process is leaving it anyway.
    }
  }
  loaded.clear();
}

function ckr(err: unknown): number | null {
  if (!(err instanceof Error)) return null;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code === 'number' && code > 0) return code;
  const m = /CKR_[A-Z_]+:(\d+)/.exec(err.message);
  return m?.[1] ? Number(m[1]) : null;
}

/** Maps a PKCS#11 failure to the error the user reads. */
export function tokenError(err: unknown, context: { tokenLabel?: string | undefined }): AppError {
  if (err instanceof AppError) return err;
  const code = ckr(err);
  const token = context.tokenLabel ? `«${context.tokenLabel}»` : '';
  switch (code) {
    case CKR.PIN_INCORRECT:
      return new AppError(
        KeyErrorCodes.pinIncorrect,
        `PIN incorrecto para el token ${token}. Nada se firmó.`.replace('  ', ' '),
        {},
        { cause: err },
      );
    case CKR.PIN_LOCKED:
      return new AppError(
        KeyErrorCodes.pinLocked,
        `El PIN del token ${token} está bloqueado por demasiados intentos. Desbloquéelo con el PUK o con su entidad emisora.`.replace(
          '  ',
          ' ',
        ),
        {},
        { cause: err },
      );
    case CKR.PIN_INVALID:
    case CKR.PIN_LEN_RANGE:
    case CKR.PIN_EXPIRED:
      return new AppError(
        KeyErrorCodes.pinInvalid,
        'El PIN no tiene un formato válido para este token (revise su longitud).',
        {},
        { cause: err },
      );
    case CKR.DEVICE_REMOVED:
    case CKR.TOKEN_NOT_PRESENT:
    case CKR.SESSION_CLOSED:
    case CKR.SESSION_HANDLE_INVALID:
    case CKR.SLOT_ID_INVALID:
      return new AppError(
        KeyErrorCodes.tokenRemoved,
        `Se retiró el token o la tarjeta ${token} (o se perdió la conexión con él). Vuelva a insertarlo e inténtelo otra vez.`.replace(
          '  ',
          ' ',
        ),
        {},
        { cause: err },
      );
    default: {
      // The module's own words (a CKR_… name as a rule): shown as they are, in any language.
      const detail = (err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)).slice(0, 200);
      return new AppError(KeyErrorCodes.tokenError, `El token respondió con un error (${detail}).`, { detail }, { cause: err });
    }
  }
}

type SlotToken = { slot: Buffer; slotId: number; label: string; serial: string; flags: number };

function slotId(handle: Buffer): number {
  return handle.length >= 8 ? Number(handle.readBigUInt64LE(0)) : handle.readUInt32LE(0);
}

function tokens(lib: pkcs11js.PKCS11): SlotToken[] {
  const out: SlotToken[] = [];
  for (const slot of lib.C_GetSlotList(true)) {
    try {
      const info = lib.C_GetTokenInfo(slot);
      // An empty, never initialized token (SoftHSM always offers one) has nothing to sign with.
      if (!(info.flags & pkcs11js.CKF_TOKEN_INITIALIZED)) continue;
      out.push({ slot, slotId: slotId(slot), label: info.label.trim(), serial: info.serialNumber.trim(), flags: info.flags });
    } catch {
      // A token pulled out between the two calls: it is simply not listed.
    }
  }
  return out;
}

function selectTokens(all: SlotToken[], sel: TokenSelector): SlotToken[] {
  return all.filter(
    (t) => (sel.tokenLabel === undefined || t.label === sel.tokenLabel) && (sel.slot === undefined || t.slotId === sel.slot),
  );
}

function attr(lib: pkcs11js.PKCS11, session: Buffer, obj: Buffer, type: number): Buffer | null {
  try {
    const [r] = lib.C_GetAttributeValue(session, obj, [{ type }]);
    return r?.value && Buffer.isBuffer(r.value) ? r.value : null;
  } catch {
    return null;
  }
}

function findObjects(lib: pkcs11js.PKCS11, session: Buffer, template: pkcs11js.Template): Buffer[] {
  lib.C_FindObjectsInit(session, template);
  try {
    return lib.C_FindObjects(session, MAX_OBJECTS);
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

function isCa(der: Buffer): boolean {
  try {
    return new crypto.X509Certificate(der).ca;
  } catch {
    return false;
  }
}

/** `ref` of a token certificate: slot id and CKA_ID in hex (what `--slot` and `--cert-id` take). */
export function pkcs11Ref(slot: number, idHex: string): string {
  return `${slot}:${idHex}`;
}

function parseRef(ref: string): { slot: number; idHex: string } {
  const m = /^(\d+):([0-9a-f]*)$/i.exec(ref);
  if (!m?.[1] || m[2] === undefined) throw new AppError(KeyErrorCodes.keyNotFound, 'Referencia de certificado en token inválida.');
  return { slot: Number(m[1]), idHex: m[2].toLowerCase() };
}

export class Pkcs11Source implements KeySource {
  readonly kind: 'pkcs11' | 'nss';
  constructor(
    readonly modulePath: string,
    private readonly options: Pkcs11Options = {},
  ) {
    this.kind = options.kind ?? 'pkcs11';
  }

  get initParameters(): string | undefined {
    return this.options.initParameters;
  }

  private lib(): pkcs11js.PKCS11 {
    return loadModule(this.modulePath, this.options.initParameters);
  }

  list(): Promise<SourceCertificate[]> {
    const lib = this.lib();
    const out: SourceCertificate[] = [];
    const present = tokens(lib);
    const chosen = selectTokens(present, this.options);
    if ((this.options.tokenLabel !== undefined || this.options.slot !== undefined) && chosen.length === 0)
      throw new AppError(KeyErrorCodes.tokenNotFound, this.notFoundMessage(present), {
        present: present.length ? present.map((t) => `«${t.label}» (${t.slotId})`).join(', ') : '0',
      });
    for (const t of chosen) {
      let session: Buffer;
      try {
        session = lib.C_OpenSession(t.slot, pkcs11js.CKF_SERIAL_SESSION);
      } catch (err) {
        throw tokenError(err, { tokenLabel: t.label });
      }
      try {
        const all: { der: Buffer; idHex: string; label: string }[] = [];
        for (const obj of findObjects(lib, session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }])) {
          const der = attr(lib, session, obj, pkcs11js.CKA_VALUE);
          if (!der || der.length > MAX_CERT_BYTES) continue;
          const idHex = (attr(lib, session, obj, pkcs11js.CKA_ID) ?? Buffer.alloc(0)).toString('hex');
          const label = (attr(lib, session, obj, pkcs11js.CKA_LABEL) ?? Buffer.alloc(0)).toString('utf8');
          all.push({ der, idHex, label });
        }
        for (const c of all) {
          let summary;
          try {
            summary = summarizeCertificate(c.der);
          } catch {
            continue; // Not an X.509 certificate we can read: not offered for signing.
          }
          out.push({
            source: this.kind,
            ref: pkcs11Ref(t.slotId, c.idHex),
            label: `${t.label} · ${c.label || summary.name}`,
            certificate: c.der,
            chain: all.filter((o) => o !== c && isCa(o.der)).map((o) => o.der),
            summary,
            // Private keys are only visible after login; a CA certificate on the token is never a signing key.
            hasKey: !isCa(c.der) && c.idHex.length > 0,
            location: { module: this.modulePath, slot: t.slotId, tokenLabel: t.label, objectId: c.idHex },
          });
        }
      } finally {
        try {
          lib.C_CloseSession(session);
        } catch {
          // The token went away while listing; what was read is still returned.
        }
      }
    }
    return Promise.resolve(out);
  }

  private notFoundMessage(present: SlotToken[]): string {
    const which = this.options.tokenLabel !== undefined ? `con etiqueta «${this.options.tokenLabel}»` : `en la ranura ${this.options.slot}`;
    const seen = present.length
      ? ` Tokens presentes: ${present.map((t) => `«${t.label}» (ranura ${t.slotId})`).join(', ')}.`
      : ' No hay ningún token conectado.';
    return `No se encontró un token ${which}.${seen}`;
  }

  async open(ref: string, pin: string): Promise<OpenedKey> {
    const { slot, idHex } = parseRef(ref);
    const listed = (await this.list()).find((c) => c.ref === ref);
    if (!listed) throw new AppError(KeyErrorCodes.keyNotFound, `El certificado ${idHex} ya no está en el token (¿se retiró?).`);
    const lib = this.lib();
    const token = tokens(lib).find((t) => t.slotId === slot);
    if (!token)
      throw new AppError(KeyErrorCodes.tokenRemoved, 'Se retiró el token o la tarjeta. Vuelva a insertarlo e inténtelo otra vez.');
    if (token.flags & pkcs11js.CKF_USER_PIN_LOCKED)
      throw tokenError(Object.assign(new Error('CKR_PIN_LOCKED:164'), { code: CKR.PIN_LOCKED }), { tokenLabel: token.label });
    let session: Buffer;
    try {
      session = lib.C_OpenSession(token.slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    } catch (err) {
      throw tokenError(err, { tokenLabel: token.label });
    }
    let loggedIn = false;
    try {
      try {
        lib.C_Login(session, pkcs11js.CKU_USER, pin);
        loggedIn = true;
      } catch (err) {
        if (ckr(err) === CKR.USER_ALREADY_LOGGED_IN) loggedIn = true;
        else throw tokenError(err, { tokenLabel: token.label });
      }
      const [keyObj] = findObjects(lib, session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        { type: pkcs11js.CKA_ID, value: Buffer.from(idHex, 'hex') },
      ]);
      if (!keyObj)
        throw new AppError(
          KeyErrorCodes.keyNotFound,
          `El token «${token.label}» no tiene la clave privada del certificado ${listed.summary.name}.`,
        );
      const keyTypeAttr = attr(lib, session, keyObj, pkcs11js.CKA_KEY_TYPE);
      const ckk = keyTypeAttr ? keyTypeAttr.readUIntLE(0, Math.min(6, keyTypeAttr.length)) : -1;
      const keyType: KeyType = ckk === pkcs11js.CKK_EC ? 'ec' : 'rsa';
      const handle = this.keyHandle(lib, session, keyObj, keyType, token.label, () => loggedIn);
      return { certificate: listed.certificate, chain: listed.chain, summary: listed.summary, key: handle };
    } catch (err) {
      closeSession(lib, session, loggedIn);
      throw err;
    }
  }

  private keyHandle(
    lib: pkcs11js.PKCS11,
    session: Buffer,
    key: Buffer,
    keyType: KeyType,
    tokenLabel: string,
    loggedIn: () => boolean,
  ): KeyHandle {
    let closed = false;
    const timeoutMs = this.options.signTimeoutMs ?? 60_000;
    return {
      keyType,
      sign: async (data: Buffer, digest: DigestName, scheme: SignatureScheme) => {
        if (closed) throw new AppError(KeyErrorCodes.tokenError, 'La sesión con el token ya se cerró.', { detail: 'CKR_SESSION_CLOSED' });
        const hash = digestOf(data, digest);
        let mechanism: pkcs11js.Mechanism;
        let input: Buffer;
        if (scheme === 'rsa-pkcs1') {
          mechanism = { mechanism: pkcs11js.CKM_RSA_PKCS };
          input = digestInfo(digest, hash);
        } else if (scheme === 'rsa-pss') {
          const [hashAlg, mgf] = PSS[digest];
          mechanism = {
            mechanism: pkcs11js.CKM_RSA_PKCS_PSS,
            parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg, mgf, saltLen: hash.length } as pkcs11js.RsaPSS,
          };
          input = hash;
        } else {
          mechanism = { mechanism: pkcs11js.CKM_ECDSA };
          input = hash;
        }
        try {
          lib.C_SignInit(session, mechanism, key);
          const out = await withTimeout(lib.C_SignAsync(session, input, Buffer.alloc(1024)), timeoutMs, tokenLabel);
          return scheme === 'ecdsa' ? ecdsaRawToDer(out) : Buffer.from(out);
        } catch (err) {
          throw tokenError(err, { tokenLabel });
        }
      },
      close: () => {
        if (!closed) {
          closed = true;
          closeSession(lib, session, loggedIn());
        }
        return Promise.resolve();
      },
    };
  }
}

const PSS: Record<DigestName, [number, number]> = {
  sha256: [pkcs11js.CKM_SHA256, pkcs11js.CKG_MGF1_SHA256],
  sha384: [pkcs11js.CKM_SHA384, pkcs11js.CKG_MGF1_SHA384],
  sha512: [pkcs11js.CKM_SHA512, pkcs11js.CKG_MGF1_SHA512],
};

function closeSession(lib: pkcs11js.PKCS11, session: Buffer, loggedIn: boolean): void {
  try {
    if (loggedIn) lib.C_Logout(session);
  } catch {
    // Logging out of a removed token fails; closing the session below is what matters.
  }
  try {
    lib.C_CloseSession(session);
  } catch {
    // Same: the session died with the token.
  }
}

/** A token that does not answer in time (a card being read slowly, a dialog on a middleware) becomes a clear error. */
function withTimeout<T>(p: Promise<T>, ms: number, tokenLabel: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError(
            KeyErrorCodes.timeout,
            `El token «${tokenLabel}» no respondió en ${Math.round(ms / 1000)} s. Compruebe que esté conectado y vuelva a intentarlo.`,
          ),
        ),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
