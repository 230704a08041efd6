/** The PAdES baseline levels, on their own so that naming a level does not load the LTV code (ltv.ts). */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

export const PADES_LEVELS: readonly PadesLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];
