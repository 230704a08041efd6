/**
 * FirmaGob as a signing choice. With the built-in sandbox profile (or FirmaGob's address set to the built-in
 * simulator, `sandbox:embedded`), the FirmaGob simulator starts in-process on first use with the sandbox
 * institution and its "Estado" test CA (data in `<home>/sandbox`, shared with `casilla sandbox --firmagob`), so a
 * user can train without running anything; otherwise the saved settings and the keychain secret are used.
 */
import type { CertificateChoice } from '../api/keys';
import { AppError } from '../api/result';
import type { CoreContext } from '../core/context';
import { checkFirmaGobConfig, type FirmaGobConfig } from '../core/signing/firmagob/client';
import {
  firmaGobSecretAccount,
  loadFirmaGobSettings,
  resolveFirmaGobConfig,
  type FirmaGobSettings,
} from '../core/signing/firmagob/settings';
import { EMBEDDED_SANDBOX_URL } from '../core/settings/settings-store';
import { embeddedSandboxDir, SANDBOX_ENTITY, startFirmaGobSimulator, type RunningFirmaGob } from '../sandbox';

const simulators = new WeakMap<CoreContext, Promise<RunningFirmaGob>>();

/** The official the built-in simulator signs for when none is configured. */
export const SIMULATOR_DEFAULT_RUN = '22222222';

/** The FirmaGob simulator of this process, started once. */
export function embeddedFirmaGob(core: CoreContext): Promise<RunningFirmaGob> {
  let running = simulators.get(core);
  if (!running) {
    running = startFirmaGobSimulator({ dataDir: embeddedSandboxDir(core.home) });
    simulators.set(core, running);
    const started = running;
    core.onClose(async () => (await started).close());
    // A failed start is not cached: the next attempt tries again.
    started.catch(() => simulators.delete(core));
  }
  return running;
}

/** True when FirmaGob means the built-in simulator. */
export async function usesEmbeddedFirmaGob(core: CoreContext, saved = loadFirmaGobSettings(core)): Promise<boolean> {
  if (saved) return saved.baseUrl === EMBEDDED_SANDBOX_URL;
  const profile = await core.settings.profile(core.settings.activeProfileId());
  return profile.baseUrl === EMBEDDED_SANDBOX_URL;
}

function simulatorOfficial(saved: FirmaGobSettings | null): { run: string; name: string } {
  const run = saved?.run ?? SIMULATOR_DEFAULT_RUN;
  return { run, name: saved?.officialName ?? SANDBOX_ENTITY.officials[run] ?? `RUN ${run}` };
}

/** The complete configuration to sign with now; `otp` for the attended purpose. Throws FIRMAGOB_* errors. */
export async function firmaGobConfigForSigning(core: CoreContext, otp: string | undefined): Promise<FirmaGobConfig> {
  const saved = loadFirmaGobSettings(core);
  let config: Partial<FirmaGobConfig>;
  if (await usesEmbeddedFirmaGob(core, saved)) {
    const sim = await embeddedFirmaGob(core);
    const official = simulatorOfficial(saved);
    config = {
      baseUrl: sim.baseUrl,
      entity: SANDBOX_ENTITY.entity,
      apiKey: SANDBOX_ENTITY.apiKey,
      secret: SANDBOX_ENTITY.secret,
      run: official.run,
      officialName: official.name,
      purpose: saved?.purpose ?? 'Desatendido',
    };
    if (otp) config.otp = otp;
  } else {
    config = await resolveFirmaGobConfig(core, otp ? { otp } : {});
  }
  checkFirmaGobConfig(config);
  return config;
}

/** The simulator's current OTP for the configured official (what the FirmaGob app would show); simulator only. */
export async function simulatorOtp(core: CoreContext): Promise<{ otp: string; run: string }> {
  const saved = loadFirmaGobSettings(core);
  if (!(await usesEmbeddedFirmaGob(core, saved)))
    throw new AppError(
      'FIRMAGOB_NOT_SIMULATOR',
      'La clave OTP la muestra la aplicación FirmaGob del funcionario; solo el simulador la entrega aquí.',
    );
  const sim = await embeddedFirmaGob(core);
  const { run } = simulatorOfficial(saved);
  return { otp: sim.issueOtp(run), run };
}

/** FirmaGob as an entry of the certificate picker, or null when it is neither configured nor the simulator. */
export async function firmaGobChoice(core: CoreContext): Promise<CertificateChoice | null> {
  const saved = loadFirmaGobSettings(core);
  const simulator = await usesEmbeddedFirmaGob(core, saved);
  if (!simulator && !saved) return null;
  const run = simulator ? simulatorOfficial(saved).run : (saved?.run ?? '');
  const name = simulator ? simulatorOfficial(saved).name : (saved?.officialName ?? `RUN ${run}`);
  const entity = simulator ? SANDBOX_ENTITY.entity : (saved?.entity ?? '');
  const purpose = saved?.purpose ?? 'Desatendido';
  const blockers = [];
  if (!simulator && saved && (await core.secrets.get(firmaGobSecretAccount(saved.apiKey))) === null)
    blockers.push({ code: 'FIRMAGOB_NOT_CONFIGURED', message: 'Falta la clave secreta de FirmaGob (Configuración → FirmaGob).' });
  return {
    key: `firmagob:${simulator ? 'simulador' : entity}:${run}`,
    source: 'firmagob',
    label: simulator ? `${entity} (simulador)` : entity,
    remembered: false,
    secretKind: purpose === 'Propósito General' ? 'otp' : 'none',
    location: { simulator },
    info: {
      name,
      organization: entity,
      nationalId: { kind: 'RUN', number: run },
      issuer: simulator ? 'FirmaGob (simulador, CA del Estado de prueba)' : 'FirmaGob',
      serialNumber: '',
      validFrom: '',
      validTo: '',
      keyUsage: [],
      keyAlgorithm: 'otro',
      fingerprintSha256: `firmagob-${run}`,
    },
    blockers,
    warnings: [],
    ref: { firmagob: {} },
  };
}
