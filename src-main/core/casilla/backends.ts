/**
 * The casilla platforms the app can send to, and what each accepts. A recipient is addressed by `rol_unico`, a
 * bare integer on the wire, so the platform itself cannot tell a Peruvian DNI from a Chilean RUN body: the
 * composer is the only place where "this number is not an identifier of this country" can be caught, and it
 * asks this registry.
 *
 * Today every configured server speaks the CasillaÚnica API (casilla-api.md), including the embedded sandbox,
 * which simulates it; a server of another platform would add its definition here and a kind to its profile.
 */
export type IdentifierKind = 'RUN' | 'DNI' | 'RUC' | 'CE';
export type Country = 'CL' | 'PE';

export type BackendDefinition = {
  id: string;
  name: string;
  country: Country;
  /** The identifiers a recipient may be given as, in the order they are tried. */
  identifiers: readonly IdentifierKind[];
  /** Spanish, for refusals: what the platform addresses people by. */
  identifiersText: string;
};

/** Chile's Plataforma de Notificaciones del Estado: people are addressed by their RUN/RUT only. */
export const CASILLA_UNICA: BackendDefinition = {
  id: 'casilla-unica',
  name: 'CasillaÚnica',
  country: 'CL',
  identifiers: ['RUN'],
  identifiersText: 'RUN/RUT chileno',
};

export const BACKENDS: readonly BackendDefinition[] = [CASILLA_UNICA];

/** Every identifier kind: used where no backend is known yet (parsing a list for display only). */
export const ALL_IDENTIFIER_KINDS: readonly IdentifierKind[] = ['RUN', 'DNI', 'RUC', 'CE'];

/** The platform a server (profile or `--backend` URL) speaks. Every server today is a CasillaÚnica (see above). */
export function backendForTarget(_target: { backendUrl: string }): BackendDefinition {
  return CASILLA_UNICA;
}

export const IDENTIFIER_NAMES: Record<IdentifierKind, string> = {
  RUN: 'RUN/RUT (Chile)',
  DNI: 'DNI (Perú)',
  RUC: 'RUC (Perú)',
  CE: 'carné de extranjería (Perú)',
};

/** What the recipient parser needs of a server: the kinds it accepts and its name for refusals. */
export function recipientRulesFor(target: { backendUrl: string }): { accepts: readonly IdentifierKind[]; platform: string } {
  const b = backendForTarget(target);
  return { accepts: b.identifiers, platform: `${b.name} (${b.country === 'CL' ? 'Chile' : 'Perú'})` };
}
