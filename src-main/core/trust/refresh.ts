/**
 * Refreshing Peru's Trusted List from its official URL. The download goes to a temp file; it replaces the list in
 * use only after its XML signature verified, its signer is the pinned one (the key that signed the bundled list),
 * and its sequence number is not older than the one in use (no rollback). On any failure nothing is replaced and
 * the error says why.
 *
 * Chile publishes no signed list (the Entidad Acreditadora serves ZIP files without signatures), so its bundles
 * are not refreshed over the network: an administrator adds a new root as an own anchor after checking it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import { httpFetch } from '../verify/http-fetch';
import { MAX_TSL_BYTES } from './tsl';
import { buildTrustCatalog, loadTsl, PE_TSL_URL, pinnedTslSigners, trustDataDir } from './trust-anchors';

export type RefreshResult = {
  url: string;
  replaced: boolean;
  sequenceNumber: number;
  previousSequenceNumber: number | null;
  nextUpdate: string | null;
  anchors: number;
};

export async function refreshPeruTsl(options: {
  home: string;
  bundledDir: string | undefined;
  url?: string | undefined;
  timeoutMs?: number;
}): Promise<RefreshResult> {
  const url = options.url ?? PE_TSL_URL;
  const dir = trustDataDir(options.home);
  const current = buildTrustCatalog({ bundledDir: options.bundledDir, home: options.home }).tsl;
  const pins = pinnedTslSigners(options.bundledDir, options.home);
  if (pins.length === 0)
    throw new AppError(
      'TRUST_TSL_NO_PIN',
      'No hay una lista incluida verificada con la que reconocer al firmante; no se puede actualizar.',
    );
  let body: Uint8Array;
  try {
    body = await httpFetch(url, { method: 'GET' }, options.timeoutMs ?? 30_000, MAX_TSL_BYTES);
  } catch (err) {
    throw new AppError(
      'TRUST_REFRESH_UNREACHABLE',
      `No se pudo descargar la lista de confianza de ${url} (${err instanceof Error ? err.message : String(err)}). Se sigue usando la actual.`,
      { url },
      { cause: err },
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.tsl-pe.${process.pid}.part`);
  fs.writeFileSync(temp, body);
  try {
    // Throws on a bad signature or an unknown signer: the temp file is removed below and nothing changed.
    const loaded = loadTsl(temp, 'refreshed', dir, { acceptSigners: pins, retrieved: new Date().toISOString() });
    if (!loaded) throw new AppError('TRUST_TSL_INVALID', 'La lista descargada no se pudo leer.');
    if (current && loaded.info.sequenceNumber < current.sequenceNumber)
      throw new AppError(
        'TRUST_TSL_ROLLBACK',
        `La lista descargada (número ${loaded.info.sequenceNumber}) es más antigua que la que se usa (número ${current.sequenceNumber}); no se reemplazó.`,
      );
    const fd = fs.openSync(temp, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path.join(dir, 'tsl-pe.xml'));
    fs.writeFileSync(path.join(dir, 'tsl-pe.json'), JSON.stringify({ url, retrieved: new Date().toISOString() }) + '\n');
    return {
      url,
      replaced: true,
      sequenceNumber: loaded.info.sequenceNumber,
      previousSequenceNumber: current?.sequenceNumber ?? null,
      nextUpdate: loaded.info.nextUpdate,
      anchors: loaded.anchors.length,
    };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
